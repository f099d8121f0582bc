"""The operator's paths, included by the root URLconf (``privacysite.urls``)."""

from django.urls import path

from assembly.monitoring import metrics, status

urlpatterns = [
    path("status", status, name="status"),
    path("metrics", metrics, name="metrics"),
]
