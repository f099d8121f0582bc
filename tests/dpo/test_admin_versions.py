"""Dossier versions in the admin: generated, reviewed, signed off by the DPO, filed; the next
version says what changed; only the data-protection role signs and files."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from customers.core.roles import Role
from customers.models import Recipient
from dpo.models import DossierVersion, RiskAssessment, UpdateClock
from tests.dpo.conftest import ready_to_file

pytestmark = pytest.mark.django_db
LIST = "admin:dpo_dossierversion_changelist"


def pdf_text(version) -> str:
    version.file.open("rb")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(version.file.read())).pages)
    return " ".join(text.split())


def act(client, action, version, **data):
    return client.post(
        reverse(LIST), {"action": action, "_selected_action": [version.pk], **data}, follow=True
    )


def generate(client, kind="dpia"):
    from django.contrib.auth import SESSION_KEY, get_user_model

    ready_to_file(get_user_model().objects.get(pk=client.session[SESSION_KEY]))
    response = client.post(reverse("admin:dpo_dossier_generate", args=[kind]), follow=True)
    assert response.status_code == 200
    return DossierVersion.objects.filter(kind=kind).order_by("-number").first()


@pytest.mark.slow
def test_the_dpo_generates_reviews_signs_and_files_a_version(live_data, staff_client):
    client = staff_client(role=Role.DPO)
    version = generate(client)
    assert version.number == 1 and version.generated_by.groups.filter(name=Role.DPO).exists()
    download = client.get(reverse("admin:dpo_dossier_download", args=[version.pk]))
    assert download["Content-Disposition"].startswith('attachment; filename="dpia-v1.pdf"')

    act(client, "review", version)
    act(client, "sign_off", version)
    page = act(client, "record_filing", version)
    assert "Ghi nhận việc nộp hồ sơ" in page.content.decode()
    act(client, "record_filing", version, filed_on="2026-01-15", reference="02a/2026/17", apply="1")
    version.refresh_from_db()
    assert version.status == DossierVersion.Status.FILED
    assert (version.filed_on, version.filing_reference) == (
        datetime.date(2026, 1, 15),
        "02a/2026/17",
    )


@pytest.mark.slow  # renders the dossier's PDF (in make test, not make test-fast)
def test_signing_off_cannot_skip_the_review(live_data, staff_client):
    client = staff_client(role=Role.DPO)
    version = generate(client)
    page = act(client, "sign_off", version)
    version.refresh_from_db()
    assert version.status == DossierVersion.Status.GENERATED
    assert "không thể chuyển sang" in page.content.decode()


@pytest.mark.slow  # renders the dossier's PDF (in make test, not make test-fast)
def test_a_future_filing_date_is_refused_in_vietnamese(live_data, staff_client):
    client = staff_client(role=Role.DPO)
    version = generate(client)
    act(client, "review", version)
    act(client, "sign_off", version)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page = act(client, "record_filing", version, filed_on=str(tomorrow), reference="X")
    assert "Ngày nộp không thể ở tương lai" in page.content.decode()
    version.refresh_from_db()
    assert version.status == DossierVersion.Status.SIGNED


@pytest.mark.slow  # renders the dossier's PDF (in make test, not make test-fast)
def test_only_the_dpo_signs_off_and_files(live_data, staff_client, client):
    from customers.models import Customer  # noqa: F401  (app registry)

    dpo_client = staff_client(role=Role.DPO, username="dpo")
    version = generate(dpo_client)
    act(dpo_client, "review", version)
    client.logout()
    board = staff_client(role=Role.BOARD, username="board")
    listing = board.get(reverse(LIST))
    assert listing.status_code == 200
    assert "sign_off" not in listing.content.decode()
    act(board, "sign_off", version)
    version.refresh_from_db()
    assert version.status == DossierVersion.Status.REVIEWED
    assert board.post(reverse("admin:dpo_dossier_generate", args=["dpia"])).status_code == 403
    client.logout()
    sales = staff_client(role=Role.SALES, username="sales")
    assert sales.get(reverse(LIST)).status_code == 403
    assert sales.get(reverse("admin:dpo_dossier_download", args=[version.pk])).status_code == 403


@pytest.mark.slow  # renders the dossier's PDF (in make test, not make test-fast)
def test_the_next_version_shows_what_changed_since_the_last_filed_one(live_data, staff_client):
    client = staff_client(role=Role.DPO)
    first = generate(client)
    for action in ("review", "sign_off"):
        act(client, action, first)
    act(client, "record_filing", first, filed_on="2026-01-15", reference="02a/2026/17", apply="1")
    Recipient.objects.create(
        name="Zalo OA Partner",
        kind=Recipient.Kind.PARTNER,
        purpose="Chăm sóc",
        data_categories="Điện thoại",
        hosted_in=Recipient.Hosting.VIETNAM,
    )
    second = generate(client)
    assert second.number == 2
    assert "Bên nhận mới: Zalo OA Partner (Việt Nam)" in second.changes
    text = pdf_text(second)
    assert "So với phiên bản 1 (nộp ngày 15/01/2026, số 02a/2026/17)" in text
    assert "Bên nhận mới: Zalo OA Partner" in text
    change_page = client.get(reverse("admin:dpo_dossierversion_change", args=[second.pk]))
    assert "Bên nhận mới: Zalo OA Partner" in change_page.content.decode()


@pytest.mark.slow  # renders the dossier's PDF (in make test, not make test-fast)
def test_the_dpo_writes_and_signs_the_risk_assessment_and_the_dpia_carries_it(
    live_data, staff_client
):
    client = staff_client(role=Role.DPO)
    client.post(
        reverse("admin:dpo_riskassessment_add"),
        {"text": "Rủi ro chính: lộ email khách hàng qua nhà cung cấp ở nước ngoài."},
    )
    assessment = RiskAssessment.objects.get()
    client.post(
        reverse("admin:dpo_riskassessment_changelist"),
        {"action": "sign", "_selected_action": [assessment.pk]},
    )
    assessment.refresh_from_db()
    assert assessment.signed_by.username == "staff-Bảo-vệ-dữ-liệu"
    # Signed: no longer editable.
    edit = client.post(
        reverse("admin:dpo_riskassessment_change", args=[assessment.pk]), {"text": "khác"}
    )
    assert edit.status_code == 403
    assessment.refresh_from_db()
    assert assessment.text.startswith("Rủi ro chính")
    text = pdf_text(generate(client))
    assert "Rủi ro chính: lộ email khách hàng qua nhà cung cấp ở nước ngoài." in text
    assert "staff-Bảo-vệ-dữ-liệu" in text


def test_a_new_dpo_provider_starts_the_ten_day_clock(live_data, staff_client):
    client = staff_client(role=Role.DPO)
    url = reverse("admin:dpo_complianceprofile_change", args=[1])
    client.get(reverse("admin:dpo_complianceprofile_changelist"))  # creates the row
    response = client.post(
        url,
        {
            "dpo_provider": "Công ty DPO Số",
            "enterprise_size": "small",
            "system_hosting": "Việt Nam",
        },
    )
    assert response.status_code == 302
    clock = UpdateClock.objects.get()
    assert clock.kind == UpdateClock.Kind.TEN_DAYS
    assert clock.due_on == timezone.localdate() + datetime.timedelta(days=10)
    assert "Công ty DPO Số" in clock.reason


def test_a_declared_reorganisation_starts_the_ten_day_clock(live_data, staff_client):
    client = staff_client(role=Role.DPO)
    response = client.post(
        reverse("admin:dpo_updateclock_add"), {"reason": "Sáp nhập bộ phận kinh doanh"}
    )
    assert response.status_code == 302
    clock = UpdateClock.objects.get()
    assert (clock.kind, clock.reason) == (UpdateClock.Kind.TEN_DAYS, "Sáp nhập bộ phận kinh doanh")
    assert clock.due_on == timezone.localdate() + datetime.timedelta(days=10)
    # A clock is a record: it is not edited afterwards.
    edit = client.post(reverse("admin:dpo_updateclock_change", args=[clock.pk]), {"reason": "x"})
    assert edit.status_code == 403
