"""The dossier version page (issue 33): a readable file name, the next step as a button with a
message, the filing form only for a signed version, "none filed yet" before the first filing,
and no DPIA signed or filed without a signed risk assessment."""

import pytest
from django.urls import reverse

from customers.core.roles import Role
from dpo.models import DossierVersion
from tests.dpo.conftest import ready_to_file
from tests.privacysite.plain_language import visible_text

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def page(client, version):
    response = client.get(reverse("admin:dpo_dossierversion_change", args=[version.pk]))
    assert response.status_code == 200
    return visible_text(response.content.decode())


def step(client, version, name, **data):
    response = client.post(
        reverse("admin:dpo_dossier_step", args=[version.pk, name]), data, follow=True
    )
    assert response.status_code == 200
    version.refresh_from_db()
    return visible_text(response.content.decode())


def test_the_version_page_walks_the_steps_with_messages(live_data, staff_client):
    from dpo.services.dossiers import dossier_generate

    client = staff_client(role=Role.DPO)
    from django.contrib.auth import get_user_model

    dpo = get_user_model().objects.get(groups__name=Role.DPO)
    ready_to_file(dpo)
    version = dossier_generate(kind="dpia", actor=dpo)
    text = page(client, version)
    assert "dpia-v1.pdf" in text
    assert "Chưa có phiên bản nào được nộp" in text
    assert "Ghi nhận việc nộp hồ sơ" not in text  # no filing form for an unsigned version
    text = step(client, version, "review")
    assert version.status == DossierVersion.Status.REVIEWED
    assert "đã được đánh dấu là đã xem xét" in text
    text = step(client, version, "sign")
    assert version.status == DossierVersion.Status.SIGNED
    assert "đã được ký duyệt" in text
    assert "Số hồ sơ đã nộp" in page(client, version)
    text = step(client, version, "file", filed_on="2026-01-15", reference="02a/2026/17")
    assert version.status == DossierVersion.Status.FILED
    assert "Đã ghi nhận việc nộp" in text


def test_a_dpia_without_a_signed_risk_assessment_is_not_signed(live_data, staff_client):
    from django.contrib.auth import get_user_model

    from dpo.services.dossiers import dossier_generate

    client = staff_client(role=Role.DPO)
    dpo = get_user_model().objects.get(groups__name=Role.DPO)
    version = dossier_generate(kind="dpia", actor=dpo)
    assert "đánh giá rủi ro" in page(client, version)
    step(client, version, "review")
    text = step(client, version, "sign")
    assert version.status == DossierVersion.Status.REVIEWED
    assert "đánh giá rủi ro đã ký" in text


def test_evidence_pages_have_no_empty_history_button(live_data, staff_client):
    from django.contrib.auth import get_user_model

    from dpo.services.dossiers import dossier_generate

    client = staff_client(role=Role.DPO)
    dpo = get_user_model().objects.get(groups__name=Role.DPO)
    dpo.first_name, dpo.last_name = "Hà", "Lê Thu"
    dpo.save()
    version = dossier_generate(kind="ropa", actor=dpo)
    response = client.get(reverse("admin:dpo_dossierversion_change", args=[version.pk]))
    html = response.content.decode()
    assert "historylink" not in html
    assert "Lê Thu Hà" in visible_text(html)
