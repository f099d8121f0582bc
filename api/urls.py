from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api import views

app_name = "api"

urlpatterns = [
    path("consents/lookup/", views.ConsentLookupView.as_view(), name="consent_lookup"),
    path("consents/", views.ConsentRecordView.as_view(), name="consent_record"),
    path("suppressions/<slug:channel>/", views.SuppressionListView.as_view(), name="suppressions"),
    path(
        "schema/",
        SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]),
        name="schema",
    ),
]
