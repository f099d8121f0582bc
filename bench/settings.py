"""Benchmark settings: production settings on PostgreSQL (and Redis if REDIS_URL is set),
plus a bare baseline view. Run with DJANGO_SETTINGS_MODULE=bench.settings."""

import os

os.environ["ENV_FILE"] = ""
os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production-8c2e91f0a7b3")
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "5T7m1a0nRk2uGm4xq2gWc0Zy1mPp4bH3v8dQy6eL9sA=")
os.environ.setdefault("BLIND_INDEX_KEY", "bench-blind-index-key-0123456789abcdef")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/privacysite_bench")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("EMAIL_URL", "memorymail://")
os.environ["DEBUG"] = "False"
os.environ["SECURE_SSL_REDIRECT"] = "False"
# The public forms keep the production limit (10 per address in 10 minutes): the load comes
# from a new address each request, through X-Forwarded-For (one proxy trusted, as behind nginx).
os.environ.setdefault("TRUSTED_PROXIES", "1")
os.environ.setdefault("MY_DATA_RATE_LIMIT", "1000000/m")  # all load comes from one address
os.environ.setdefault("MY_DATA_RECIPIENT_RATE_LIMIT", "1000000/m")
# Production-like: Redis as broker and cache, on a database of its own (15) so that nothing
# queued by a benchmark reaches a development or test worker.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")

from privacysite.settings import *  # noqa: E402,F403

ROOT_URLCONF = "bench.urls"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "privacysite.E102"]  # noqa: F405  (mail in memory)
CELERY_TASK_ALWAYS_EAGER = False
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
CELERY_IMPORTS = ["bench.tasks"]
