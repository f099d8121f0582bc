"""Start-up refuses unsafe production settings and passes Django's deploy checks with real ones."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow  # subprocesses: a second or more each


def run_manage(*args, env):
    base = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    for name in (
        "SECRET_KEY",
        "FIELD_ENCRYPTION_KEYS",
        "BLIND_INDEX_KEY",
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "EMAIL_URL",
    ):
        base.pop(name, None)
    base.update(env, DJANGO_SETTINGS_MODULE="privacysite.settings", ENV_FILE="")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def real_keys():
    return {
        "DEBUG": "False",
        "SECRET_KEY": "k3!x" + Fernet.generate_key().decode() * 2,
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "BLIND_INDEX_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "privacy.example.vn",
        "EMAIL_URL": "smtp+tls://site:password@smtp.example.vn:587",
    }


def test_production_without_secret_key_refuses_to_start():
    env = real_keys()
    del env["SECRET_KEY"]
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_with_development_key_refuses_to_start():
    from django.conf import settings

    env = real_keys() | {"FIELD_ENCRYPTION_KEYS": settings.DEV_FIELD_ENCRYPTION_KEY}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS must be set" in result.stderr


@pytest.mark.slow  # a subprocess that loads the project (in make test, not make test-fast)
def test_production_settings_pass_deploy_checks():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=real_keys())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_mail_server_refuses_to_start():
    env = real_keys()
    del env["EMAIL_URL"]
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "EMAIL_URL must name your mail server" in result.stderr


def test_production_with_a_console_mail_backend_fails_the_checks():
    result = run_manage("check", env=real_keys() | {"EMAIL_URL": "consolemail://"})
    assert result.returncode != 0
    assert "privacysite.E102" in result.stderr


def test_the_worker_logs_through_the_filter_that_keeps_personal_data_out():
    """Celery's own logging setup (what ``celery worker`` and ``celery beat`` run) leaves the
    site's handlers, and their filter, in place: an address in a library's message is masked."""
    script = (
        "import logging, django; django.setup()\n"
        "from privacysite.celery import app\n"
        "app.log.setup(loglevel='INFO', redirect_stdouts=True)\n"
        "logging.getLogger('celery.app.trace').error("
        "'Retry in 10s: SMTPRecipientsRefused(khachhang5@example.vn)')\n"
        "print('printed by a library: khachhang6@example.vn')\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}}
    env.update(real_keys(), DJANGO_SETTINGS_MODULE="privacysite.settings", ENV_FILE="")
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "SMTPRecipientsRefused(<email>)" in output
    assert "khachhang5@example.vn" not in output and "khachhang6@example.vn" not in output


def test_a_truncated_encryption_key_refuses_to_start_and_names_its_position():
    """A key cut when copied (issue 32): refused at start, not 500s at every registration."""
    good = Fernet.generate_key().decode()
    env = real_keys() | {"FIELD_ENCRYPTION_KEYS": f"{good},{good[:-6]}"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS: key 2 is not a Fernet key" in result.stderr
    assert good[:-6] not in result.stderr  # the key itself is never printed


def test_a_short_blind_index_key_refuses_to_start():
    result = run_manage("check", env=real_keys() | {"BLIND_INDEX_KEY": "cut-short"})
    assert result.returncode != 0
    assert "BLIND_INDEX_KEY is shorter than 32 characters" in result.stderr
