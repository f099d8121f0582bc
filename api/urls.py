from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from api import views
from api.schema import SCHEMA_SETTINGS

app_name = "api"

urlpatterns = [
    path("consents/lookup/", views.ConsentLookupView.as_view(), name="consent_lookup"),
    path("consents/", views.ConsentRecordView.as_view(), name="consent_record"),
    path("suppressions/<slug:channel>/", views.SuppressionListView.as_view(), name="suppressions"),
    path(
        "schema/",
        SpectacularAPIView.as_view(
            authentication_classes=[], permission_classes=[], custom_settings=SCHEMA_SETTINGS
        ),
        name="schema",
    ),
    # Last: every other path under /api/v1/ is a 404 problem, not the site's HTML page.
    re_path(r"", views.NotFoundView.as_view(), name="not_found"),
]
