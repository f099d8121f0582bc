"""/favicon.ico: browsers ask for it whatever the page says; the site's icon, from static."""

from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET


@cache
def _icon() -> bytes:
    path = finders.find("img/favicon.svg") or str(settings.BASE_DIR / "static/img/favicon.svg")
    with open(path, "rb") as file:
        return file.read()


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request):
    return HttpResponse(_icon(), content_type="image/svg+xml")
