from django.urls import path

from customers.consents import preference_views, views

app_name = "consents"

urlpatterns = [
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/v<int:number>/", views.policy_version, name="policy_version"),
    path("cookies/", views.cookies, name="cookies"),
    path("preferences/<str:token>/", preference_views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", preference_views.unsubscribe, name="unsubscribe"),
]
