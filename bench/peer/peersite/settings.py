"""django-cookie-consent 1.0.0 as its README sets it up, on the same stack as privacysite's
benchmark: DEBUG off, PostgreSQL (fsync on, persistent connections), Redis cache, the consent
log on (COOKIE_CONSENT_LOG_ENABLED, one LogItem row per cookie group accepted)."""

import os

SECRET_KEY = "peer-bench-secret-key-not-for-production-3f9a1c"  # noqa: S105  # nosec B105
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "cookie_consent",
]
# Django's startproject middleware.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "peersite.urls"
WSGI_APPLICATION = "peersite.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("PEER_DATABASE", "privacysite_bench_peer"),
        "USER": "postgres",
        "HOST": "127.0.0.1",
        "PORT": "5432",
        "CONN_MAX_AGE": 600,
    }
}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("PEER_REDIS_URL", "redis://127.0.0.1:6379/15"),
        "KEY_PREFIX": "peer",
    }
}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
COOKIE_CONSENT_LOG_ENABLED = True
COOKIE_CONSENT_SUCCESS_URL = "/"
LOGGING = {"version": 1, "root": {"level": "WARNING"}}
