app_name = "consents"

urlpatterns = []
