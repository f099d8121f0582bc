"""Shared fixtures. Services (PostgreSQL, Redis, Chromium) are real; where one is missing the
test skips with the reason, except under CI (CI=true), where a missing service is a failure."""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def missing(reason):
    """Skip on a bare machine; fail in CI, where every service must be there."""
    if IN_CI:
        pytest.fail(f"CI must provide this service: {reason}")
    pytest.skip(reason)


def _reachable(url):
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        missing("needs PostgreSQL: set DATABASE_URL=postgres://...")


@pytest.fixture
def redis_url():
    url = settings.REDIS_URL
    if not url or not _reachable(url):
        missing("needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0 and start redis-server")
    return url


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        missing("needs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    from customers.consents.cookies import catalogue_clear
    from customers.consents.selectors import consents_cache_clear
    from customers.core.company import company_cache_clear

    cache.clear()
    company_cache_clear()
    # And each process's short-lived copies: a catalogue read by one test (empty, before
    # anything was seeded) would otherwise answer the next test for a few seconds.
    consents_cache_clear()
    catalogue_clear()
    yield


@pytest.fixture
def seeded(db):
    """Purposes, cookie categories and a published policy v1, as every install has."""
    from customers.consents.services.seed import consents_seed

    consents_seed()


@pytest.fixture
def staff_user(db, django_user_model):
    def make(role=None, username=None, superuser=False):
        from django.contrib.auth.models import Group

        from customers.staff.services import roles_setup

        roles_setup()
        user = django_user_model.objects.create_user(
            username=username or f"staff-{role or 'none'}".replace(" ", "-"),
            password="a-long-test-password-2026",
            is_staff=True,
            is_superuser=superuser,
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def celery_worker(postgres, redis_url):
    """A real Celery worker thread consuming from the real Redis broker."""
    from celery.contrib.testing.worker import start_worker

    from privacysite.celery import app

    assert app.conf.broker_url.startswith("redis://")
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING") as worker:
            yield worker
    finally:
        app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _own_access_log_anchors(settings, tmp_path):
    """Each test's database starts empty: so does the file its seals anchor the head in."""
    settings.ACCESS_LOG_ANCHORS = tmp_path / "access-log-anchors.jsonl"


@pytest.fixture(autouse=True)
def _default_language():
    """reverse() follows the active language, which a previous request may have left as en."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def login_staff(client, user, *, accept_agreement=True, verified=True):
    """Sign a staff member in as the admin requires: password, TOTP device, agreement."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from customers.staff.services import agreement_accept, agreement_ensure_exists

    client.force_login(user)
    if verified:
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    if accept_agreement:
        agreement_accept(user=user, agreement=agreement_ensure_exists())
    return client


@pytest.fixture
def staff_client(client, staff_user):
    """``staff_client(role=None, superuser=False)``: a test client signed in as such staff."""

    def make(role=None, superuser=False, username=None):
        return login_staff(client, staff_user(role=role, superuser=superuser, username=username))

    return make


# Markers follow the fixtures a test uses, so that ``make test-fast`` (-m "not browser and not
# postgres and not redis and not slow") leaves out exactly what needs a server or a browser.
FIXTURE_MARKERS = {
    "browser": "browser",
    "page": "browser",
    "live_server": "browser",
    "postgres": "postgres",
    "redis_url": "redis",
    "celery_worker": "redis",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        for fixture, marker in FIXTURE_MARKERS.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(getattr(pytest.mark, marker))
