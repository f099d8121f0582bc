"""The API for the company's other systems: Django REST framework and the webhooks (read by
``privacysite.settings``)."""

from privacysite.settings import DEBUG, REDIS_URL, env

# --- API for the company's other systems --------------------------------------------------
# https://www.django-rest-framework.org/api-guide/settings/  https://drf-spectacular.readthedocs.io/
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.authentication.HasScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "privacysite API",
    "DESCRIPTION": "Consents, suppression lists and consent records for the company's other "
    "systems. Errors are RFC 9457 problem details (Accept-Language: vi or en).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}
# How long a process trusts the API client it read for a key: a revoked or rotated key is
# refused at once by the process that revoked it, by the others within this many seconds.
API_KEY_CACHE_SECONDS = env.float("API_KEY_CACHE_SECONDS", default=2.0)
# A suppression page's access-log entry committed without waiting for the WAL flush (a
# PostgreSQL crash may lose the last fraction of a second of entries). Off: durable. The
# consent lookup's entry is always durable: it is written by the statement that answers.
API_ACCESS_LOG_ASYNC_COMMIT = env.bool("API_ACCESS_LOG_ASYNC_COMMIT", default=False)
# A webhook subscriber is paused (and the DPO told) after this many failed attempts in a row.
WEBHOOK_PAUSE_AFTER_FAILURES = env.int("WEBHOOK_PAUSE_AFTER_FAILURES", default=20)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=10)
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=5.0)
WEBHOOK_BACKOFF_SECONDS = env.float("WEBHOOK_BACKOFF_SECONDS", default=10.0)  # ×3 per attempt
# A delivery due this long ago with no worker on it was lost: the minute sweep sends it again.
WEBHOOK_LOST_AFTER = env.int("WEBHOOK_LOST_AFTER", default=120)

# --- Webhook targets (api.services.webhook_targets) ------------------------------------
# Webhooks go to public https addresses only, checked at entry and at every delivery.
# Development only: http:// URLs (on by default with DEBUG), and private networks a receiver
# may sit in, e.g. WEBHOOK_ALLOWED_NETWORKS=127.0.0.1/32 for a local listener (or a CRM on
# the company's own network, named exactly). Loopback, private, link-local, multicast and
# reserved addresses outside these networks are always refused.
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=DEBUG)
WEBHOOK_ALLOWED_NETWORKS = env.list("WEBHOOK_ALLOWED_NETWORKS", default=[])

# --- API rate limit (api.throttling) ------------------------------------------------
# Where the per-client sliding-window counters live (the ``limits`` library's storage URL):
# Redis when there is one, so that every process counts together; else this process only.
API_RATE_LIMIT_STORAGE = env.str("API_RATE_LIMIT_STORAGE", default=REDIS_URL or "memory://")
