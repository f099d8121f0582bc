"""A fresh production install: no policy, no forms; `setup_site` opens them (issue 16.5)."""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from customers.consents.models import PolicyVersion, Purpose
from customers.models import Submission
from privacysite.translations import check_translations_compiled

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_forms_refuse_clearly_until_setup_site_publishes_policy_v1(client, settings, capsys):
    register = reverse("customers:register")
    page = client.get(register)
    assert page.status_code == 503
    assert "Biểu mẫu này chưa mở" in page.content.decode()
    posted = client.post(register, {"full_name": "Lê Thị Mai", "email": "mai@example.vn"})
    assert posted.status_code == 503 and not Submission.objects.exists()
    assert client.get(reverse("consents:privacy")).status_code == 404

    settings.ORGANISATION = settings.ORGANISATION | {"name": "Công ty TNHH Thử Nghiệm"}
    call_command("setup_site")
    assert "Published privacy policy v1" in capsys.readouterr().out
    policy = client.get(reverse("consents:privacy")).content.decode()
    assert "Công ty TNHH Thử Nghiệm" in policy
    assert Purpose.objects.filter(code="marketing_email").exists()
    assert client.get(register).status_code == 200

    call_command("setup_site")  # a second run changes nothing
    assert "already published: unchanged" in capsys.readouterr().out
    assert PolicyVersion.objects.count() == 1


@pytest.mark.slow
def test_check_deploy_warns_while_translations_are_not_compiled(settings, tmp_path):
    shutil.copytree(ROOT / "locale" / "vi", tmp_path / "vi", ignore=shutil.ignore_patterns("*.mo"))
    settings.LOCALE_PATHS = [tmp_path]
    assert [w.id for w in check_translations_compiled()] == ["privacysite.W102"]
    call_command("compile_translations")
    assert (tmp_path / "vi" / "LC_MESSAGES" / "django.mo").exists()
    assert check_translations_compiled() == []
