import uuid

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from consents.models import CookieConsent
from privacysite.urls import handler500  # noqa: F401  (the same error pages)
from privacysite.urls import urlpatterns as site_patterns


@csrf_exempt
def bare_insert(request):
    """The baseline: Django doing one INSERT and nothing else of ours."""
    CookieConsent.objects.create(
        consent_id=uuid.uuid4(), categories=["necessary"], policy_version=1
    )
    return HttpResponse("ok")


urlpatterns = [path("bench/bare-insert/", bare_insert), *site_patterns]
