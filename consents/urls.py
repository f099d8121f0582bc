from django.urls import path

from consents import views

app_name = "consents"

urlpatterns = [
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/v<int:number>/", views.policy_version, name="policy_version"),
    path("cookies/", views.cookies, name="cookies"),
]
