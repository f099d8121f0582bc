"""Test settings: production settings with test keys, fast hashing and mail kept in memory."""

import os
import tempfile

os.environ["ENV_FILE"] = ""  # a developer's .env must not leak into the tests
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-3f9a1c7e5b2d")
os.environ.setdefault(
    "FIELD_ENCRYPTION_KEYS",
    "5T7m1a0nRk2uGm4xq2gWc0Zy1mPp4bH3v8dQy6eL9sA=,J8pVZ4yzQk9n3yA0b6xRm1cW2dE5fG7hI8jK9lM0nOo=",
)
os.environ.setdefault("BLIND_INDEX_KEY", "test-blind-index-key-7d1e-0123456789abcdef")
os.environ.setdefault("EMAIL_URL", "memorymail://")  # replaced below; DEBUG off needs one
os.environ["DEBUG"] = "False"
os.environ["SECURE_SSL_REDIRECT"] = "False"

from privacysite.settings import *  # noqa: E402,F403

INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405  (seed_demo, as on a development install)

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Each test run journals erasures into its own folder, never into the worktree's var/.
ERASURE_JOURNAL = os.environ.get("ERASURE_JOURNAL") or (
    Path(tempfile.mkdtemp(prefix="privacysite-journal-")) / "erasures.jsonl"  # noqa: F405
)
ACCESS_LOG_ANCHORS = Path(ERASURE_JOURNAL).parent / "access-log-anchors.jsonl"  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A worker started by a test may be given a mail server that takes its time (the Redis outage).
EMAIL_BACKEND = os.environ.get("TEST_EMAIL_BACKEND") or EMAIL_BACKEND
# Mail kept in memory on purpose (the tests read mail.outbox), with DEBUG off as production.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "privacysite.E102"]  # noqa: F405

# Tasks run in-process in unit tests; the tests that prove the real broker and worker turn
# this off (the ``celery_worker`` fixture).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
