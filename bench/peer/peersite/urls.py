from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import include, path


def token(request):
    """A page that sets the CSRF cookie, as the page holding the banner would."""
    return HttpResponse(get_token(request))


urlpatterns = [
    path("token/", token),
    path("cookies/", include("cookie_consent.urls")),
]
