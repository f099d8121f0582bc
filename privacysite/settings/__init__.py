"""Settings for privacysite, read from the environment with django-environ.

Every setting that differs between a laptop and production comes from one ``environ.Env()``
below; ``.env.example`` lists them. With ``DEBUG`` off, the secrets have no default and the
process refuses to start, naming the missing variable (see ``_require_secret``).
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from privacysite.key_format import check_keys
from privacysite.media_settings import journal_storage, media_storage

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env (written by `make run` with freshly generated keys) is read when present;
# real environment variables win over it. ENV_FILE="" reads none (the tests do that).
ENV_FILE = env.str("ENV_FILE", default=str(BASE_DIR / ".env"))
if ENV_FILE:
    environ.Env.read_env(ENV_FILE, overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# Fixed development keys: they keep a demo database readable across restarts, and they are
# rejected in production so that they can never protect real data.
DEV_SECRET_KEY = "dev-only-insecure-secret-key-privacysite-0000000000000000"  # noqa: S105  # nosec B105
DEV_FIELD_ENCRYPTION_KEY = "ZGV2LW9ubHktaW5zZWN1cmUtZmVybmV0LWtleS0wMDA="
DEV_BLIND_INDEX_KEY = "dev-only-insecure-blind-index-key"


def _require_secret(name, dev_default):
    """A secret from the environment; in production a missing or development value stops start-up."""
    value = env.str(name, default="")
    if DEBUG:
        return value or dev_default
    if not value or dev_default in value:
        raise ImproperlyConfigured(
            f"{name} must be set to a real secret when DEBUG is off "
            f"(see .env.example for how to generate one)."
        )
    return value


# --- Core ----------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#core-settings
SECRET_KEY = _require_secret("SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "privacysite.apps.PrivacyAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_ratelimit",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "customers",
    "customers.consents",
    "dpo",
    "api",
]
if DEBUG:
    INSTALLED_APPS.append("demo")  # seed_demo; needs requirements-dev.txt

MIDDLEWARE = [
    "privacysite.request_id.RequestIdMiddleware",
    # /healthz answers before the host and HTTPS checks (see privacysite.health).
    "privacysite.health.HealthCheckMiddleware",
    "privacysite.request_metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "privacysite.middleware.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]
ROOT_URLCONF = "privacysite.urls"
WSGI_APPLICATION = "privacysite.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "privacysite.context_processors.organisation",
                "privacysite.context_processors.language_switch",
                "customers.consents.context_processors.cookie_consent",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/databases/
# The embedded default is one SQLite file shared by web, worker and beat: WAL lets readers
# and one writer work together, IMMEDIATE takes the write lock at BEGIN (so two writers queue
# on the busy timeout instead of failing with "database is locked" mid-transaction).
SQLITE_PATH = BASE_DIR / "var" / "privacysite.sqlite3"
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # Connections are kept: a new one per request would cost more than the hottest requests
    # themselves (BENCHMARKS.md). Not health-checked before each request (a SELECT 1 more per
    # request): a connection lost meanwhile fails that one request with the 503 page ("not
    # saved, send it again") and is replaced for the next (Django closes a connection that
    # raised a connection error).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=False)
    # Server-side parameter binding, which lets psycopg prepare the statements a connection
    # repeats (https://docs.djangoproject.com/en/5.2/ref/databases/#server-side-parameters-binding).
    # Off by default: a pooler in transaction mode that does not track prepared statements
    # (PgBouncer before 1.21) breaks with it. Turn it on only with a direct connection or
    # a pooler that tracks them (docs/operations.md).
    if env.bool("DB_PREPARED_STATEMENTS", default=False):
        DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True

# --- Passwords and authentication ----------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/auth/passwords/
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username/IP before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "admin:login"

# --- Staff login protection ----------------------------------------------------------------
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# The same client address as rate limits and evidence: behind our nginx (TRUSTED_PROXIES=1)
# the address nginx saw, never nginx's own 127.0.0.1 (which would lock a staff member out for
# everyone after five wrong passwords from anywhere).
AXES_CLIENT_IP_CALLABLE = "privacysite.http.client_ip"


# https://django-otp-official.readthedocs.io/
# The company's name in the authenticator app (django-otp calls it with the device). Named
# by its dotted path, as settings name code (the settings never import the apps).
TOTP_ISSUER_CALLABLE = "assembly.branding.totp_issuer"


def OTP_TOTP_ISSUER(device):  # noqa: N802
    from django.utils.module_loading import import_string

    return import_string(TOTP_ISSUER_CALLABLE)(device)


# --- Internationalisation ------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/i18n/
LANGUAGE_CODE = "vi"
# Each language is named in itself, as a switcher should show it.
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# Ours first; then Vietnamese for third-party admin screens that ship none.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_thirdparty"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
# Dates, times and numbers as written in Vietnam (privacysite/formats/vi/formats.py).
FORMAT_MODULE_PATH = ["privacysite.formats"]
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------------------
# https://whitenoise.readthedocs.io/en/stable/django.html
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploaded files are all personal data: encrypted, random names, MEDIA_ROOT or S3.
    "default": media_storage(env),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if JOURNAL_STORAGE := journal_storage(env):  # the erasure journal every node shares
    STORAGES["journal"] = JOURNAL_STORAGE  # (docs/operations.md, "The erasure journal")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "media/"

# --- Cache ---------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/cache/
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "privacysite.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # Short socket timeouts: an unreachable Redis costs a request milliseconds.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Email ---------------------------------------------------------------------------------
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-email-url
# Every outgoing message is also recorded in the database (customers.Message).
# With DEBUG off there is no default: the console backend would write customers' addresses
# and live links into the worker's log (the system check privacysite.E102 also refuses a
# console, file, memory or dummy backend set on purpose).
if not DEBUG and not env.str("EMAIL_URL", default=""):
    raise ImproperlyConfigured(
        "EMAIL_URL must name your mail server when DEBUG is off "
        "(e.g. smtp+tls://user:password@smtp.example.vn:587; see .env.example)."
    )
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
if EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":  # noqa: F821
    # Printed as a person reads it, framed among the worker's log lines (development).
    EMAIL_BACKEND = "privacysite.dev_mail.ReadableConsoleBackend"
# SMS and calls go through a pluggable backend; by default the database row is the outbox.
SMS_CALL_BACKEND = env.str("SMS_CALL_BACKEND", default="customers.messaging.services.OutboxBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="no-reply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Field encryption and blind indexes ----------------------------------------------------
# Comma-separated Fernet keys, newest first: the first encrypts, all decrypt (MultiFernet).
FIELD_ENCRYPTION_KEYS = [
    key.strip()
    for key in _require_secret("FIELD_ENCRYPTION_KEYS", DEV_FIELD_ENCRYPTION_KEY).split(",")
    if key.strip()
]
BLIND_INDEX_KEY = _require_secret("BLIND_INDEX_KEY", DEV_BLIND_INDEX_KEY)
# Keys taken out of FIELD_ENCRYPTION_KEYS after a rotation: they decrypt, never encrypt. Keep
# each one as long as the oldest backup written while it was in use (BACKUP_KEEP_DAYS).
FIELD_ENCRYPTION_RETIRED_KEYS = env.list("FIELD_ENCRYPTION_RETIRED_KEYS", default=[])
# Changing BLIND_INDEX_KEY (docs/operations.md, "Keys"): the new key goes here first; indexes
# are then written with it and searches try both until rotate_blind_index_key has re-indexed
# every row.
BLIND_INDEX_KEY_NEXT = env.str("BLIND_INDEX_KEY_NEXT", default="")
# The access-log chain's key; defaults to BLIND_INDEX_KEY. When that key changes, set this to
# the old one, so that the chain (sealed under it) still verifies.
ACCESS_LOG_CHAIN_KEY = env.str("ACCESS_LOG_CHAIN_KEY", default="")
check_keys(
    fernet={
        "FIELD_ENCRYPTION_KEYS": FIELD_ENCRYPTION_KEYS,
        "FIELD_ENCRYPTION_RETIRED_KEYS": FIELD_ENCRYPTION_RETIRED_KEYS,
    },
    hmac={
        "BLIND_INDEX_KEY": BLIND_INDEX_KEY,
        "BLIND_INDEX_KEY_NEXT": BLIND_INDEX_KEY_NEXT,
        "ACCESS_LOG_CHAIN_KEY": ACCESS_LOG_CHAIN_KEY,
    },
    production=not DEBUG,
)

# --- Organisation identity -----------------------------------------------------------------
# Shown in the footer, on the privacy policy and in every email.
ORGANISATION = {
    "name": env.str("ORG_NAME", default="Công ty TNHH Giải pháp Mạng An Tâm"),
    "address": env.str(
        "ORG_ADDRESS", default="Tầng 5, 123 Nguyễn Thị Minh Khai, Phường Bến Thành, TP. Hồ Chí Minh"
    ),
    "email": env.str("ORG_EMAIL", default="baomat@antam.example.vn"),
    "phone": env.str("ORG_PHONE", default="028 3822 1234"),
    "tax_code": env.str("ORG_TAX_CODE", default="0312345673"),
}

# The data-protection officer (Law 91 Art 33; Decree 356 Arts 13-15), named on the policy and
# in breach notices.
DPO = {
    "name": env.str("DPO_NAME", default="") or "Bộ phận Bảo vệ dữ liệu cá nhân",
    "title": env.str("DPO_TITLE", default="") or "Người bảo vệ dữ liệu cá nhân",
    "email": env.str("DPO_EMAIL", default="") or ORGANISATION["email"],
    "phone": env.str("DPO_PHONE", default="") or ORGANISATION["phone"],
}

# --- Links in messages ---------------------------------------------------------------------
# Absolute links in emails (confirmation, my-data, unsubscribe) start with this.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
CONFIRMATION_LINK_DAYS = env.int("CONFIRMATION_LINK_DAYS", default=7)
# The preference link travels in every message, so it lives longer than the my-data link.
PREFERENCES_LINK_DAYS = env.int("PREFERENCES_LINK_DAYS", default=30)
UNSUBSCRIBE_LINK_DAYS = env.int("UNSUBSCRIBE_LINK_DAYS", default=365)

# --- Abuse limits --------------------------------------------------------------------------
# https://django-ratelimit.readthedocs.io/  (counts live in the cache: Redis in production)
# Accepted submissions per address (corrected mistakes do not count), and every post.
FORM_RATE_LIMIT = env.str("FORM_RATE_LIMIT", default="10/10m")
FORM_POST_RATE_LIMIT = env.str("FORM_POST_RATE_LIMIT", default="60/10m")
# How many reverse proxies of ours stand in front of gunicorn (1 behind one nginx): the
# client's address is then read from X-Forwarded-For (privacysite.http.client_ip).
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
RATELIMIT_IP_META_KEY = "privacysite.http.client_ip"
RATELIMIT_FAIL_OPEN = True  # a cache outage must not stop customers from submitting
# W001: django-ratelimit 4.1 predates Django's own RedisCache, whose incr() is atomic.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if not REDIS_URL:
    # Local memory is per process: good enough for one runserver, not for production.
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003"]

# --- Monitoring ----------------------------------------------------------------------------
# /status and /metrics (assembly.monitoring) answer these client addresses (behind our
# trusted proxies) or a request carrying "Authorization: Bearer METRICS_TOKEN"; others a 404.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# --- Forms ---------------------------------------------------------------------------------
# https://django-crispy-forms.readthedocs.io/
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The rest lives beside this file, one concern each.
from privacysite.settings.api import *  # noqa: E402,F403
from privacysite.settings.broker import *  # noqa: E402,F403
from privacysite.settings.customer_rights import *  # noqa: E402,F403
from privacysite.settings.logging import *  # noqa: E402,F403
from privacysite.settings.security import *  # noqa: E402,F403
