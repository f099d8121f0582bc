"""Start-up refuses unsafe production settings and passes Django's deploy checks with real ones."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, env):
    base = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    for name in (
        "SECRET_KEY",
        "FIELD_ENCRYPTION_KEYS",
        "BLIND_INDEX_KEY",
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
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
