from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from privacysite.favicon import favicon
from privacysite.health import healthz

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", favicon, name="favicon"),
    # /status and /metrics: the operator's view of the apps' background work (assembly/).
    path("", include("assembly.urls")),
    # Other systems' API: not language-prefixed (Accept-Language chooses the language).
    path("api/v1/", include("api.urls")),
]

# Vietnamese is served unprefixed at /, English under /en/.
urlpatterns += i18n_patterns(
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("", include("customers.urls")),
    path("", include("customers.consents.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

handler500 = "privacysite.errors.server_error"
# A problem (application/problem+json) on the API's paths, Django's page elsewhere.
handler400 = "api.problems.bad_request"
