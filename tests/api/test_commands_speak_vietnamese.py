"""The operator's commands answer in the site's language (Vietnamese), English on request:
creating and revoking an API client, and the retention dry run (issue 33)."""

import io

import pytest
from django.core.management import call_command

from api.models import ApiClient

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_api_client_commands_answer_in_vietnamese(seeded):
    created = run("api_client_create", "crm", "--scope", "consent:read")
    assert "Khóa (chỉ hiện một lần" in created and "Key (shown once" not in created
    assert "Muối của danh sách chặn" in created
    assert "Đã thu hồi khóa của crm." in run("api_client_revoke", "crm")
    assert "Khóa của crm đã bị thu hồi trước đó." in run("api_client_revoke", "crm")
    assert ApiClient.objects.get(name="crm").revoked_at is not None
    english = run("api_client_create", "erp", "--scope", "consent:read", "--language", "en")
    assert "Key (shown once, store it now)" in english


def test_the_retention_dry_run_ends_in_vietnamese(seeded):
    text = run("run_retention", "--dry-run")
    assert "Dry run" not in text
    assert "Chạy thử: không có gì bị thay đổi." in text
