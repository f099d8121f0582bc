"""The DPO's screens in words (issue 33): retention runs, erasure certificates, access-log
entries, API clients, web-form submissions and the histories say what happened in Vietnamese,
in Vietnam time, with no raw JSON, hash columns or internal actor codes."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.core.roles import Role
from tests.conftest import login_staff
from tests.privacysite.plain_language import problems, visible_text

pytestmark = pytest.mark.django_db

# What the DPO once read on these screens.
RAW = [
    "Prev hash", "Hash", "Sealed at", "Consentevent", "customer (web form)", "customer (self)",
    "customer (confirmed web form)", "consent:read", "UTC", "planned", "customer_notice",
    "Please correct the errors below",
]  # fmt: skip
ISO = re.compile(r"\b20\d\d-\d\d-\d\d\b")


def raw_problems(text):
    found = problems(text)
    found += [f"raw {w!r}" for w in RAW if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]
    found += [f"iso {m.group(0)!r}" for m in ISO.finditer(text)]
    return found


@pytest.fixture
def screens(seeded, staff_user):
    from api.services.clients import api_client_create
    from customers.audit.services import access_log
    from customers.models import Customer, Submission
    from customers.records.submissions import submission_accept
    from customers.retention.erasure import customer_erase
    from customers.retention.services import retention_sweep
    from demo.factories import CustomerFactory

    admin_user = staff_user(superuser=True, username="quantri")
    customers = CustomerFactory.create_batch(2)
    access_log(
        actor=admin_user,
        action="view",
        customers=[customers[0]],
        fields=["full_name", "consentevent.ip_address"],
    )
    # Erased late in the evening UTC: the next day in Vietnam.
    certificate = customer_erase(customer=customers[1], actor=admin_user, trigger="staff")
    type(certificate).objects.filter(pk=certificate.pk).update(
        erased_at=datetime.datetime(2026, 12, 5, 19, 34, tzinfo=datetime.UTC)
    )
    retention_sweep(dry_run=True, scheduled=False, inline=True)
    api_client_create(
        name="CRM", description="", scopes=["consent:read"], rate_per_minute=60, actor=admin_user
    )
    del submission_accept, Submission, Customer
    return {"certificate": certificate, "customer": customers[0]}


def pages():
    from api.models import ApiClient
    from customers.models import AccessLogEntry, ErasureCertificate, RetentionRun

    for model in (RetentionRun, ErasureCertificate, AccessLogEntry, ApiClient):
        opts = model._meta
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        for pk in model.objects.values_list("pk", flat=True)[:2]:
            yield reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])


@pytest.mark.parametrize("role", [None, Role.DPO.value], ids=["superuser", "dpo"])
def test_the_dpos_records_are_in_words(client, staff_user, screens, role):
    user = staff_user(role=role, superuser=role is None, username="nguoixem")
    login_staff(client, user)
    found = {}
    seen = 0
    for url in pages():
        response = client.get(url)
        if response.status_code == 403:
            continue
        assert response.status_code == 200, url
        seen += 1
        for problem in raw_problems(visible_text(response.content.decode())):
            found.setdefault(problem, url)
    assert seen
    assert not found, "\n".join(f"{url}: {p}" for p, url in sorted(found.items()))


def test_the_erasure_certificate_title_is_dated_in_vietnam(client, staff_user, screens):
    login_staff(client, staff_user(superuser=True, username="xem"))
    cert = screens["certificate"]
    response = client.get(reverse("admin:customers_erasurecertificate_change", args=[cert.pk]))
    text = visible_text(response.content.decode())
    assert "06/12/2026" in text
    assert "05/12/2026" not in text


def test_web_form_submission_in_words(client, staff_user, seeded, settings):
    from customers.models import Submission
    from customers.records.submissions import submission_accept  # noqa: F401

    submission = Submission.objects.create(
        form=Submission.Form.REGISTRATION,
        data='{"full_name": "Nguyễn Văn An", "email": "an@example.vn", "consents": '
        '["marketing_email"], "preferred_language": "vi"}',
        language="vi",
    )
    login_staff(client, staff_user(superuser=True, username="xem2"))
    response = client.get(reverse("admin:customers_submission_change", args=[submission.pk]))
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "Nguyễn Văn An" in text
    assert "Họ và tên" in text
    assert not raw_problems(text), raw_problems(text)


def test_actor_codes_become_words():
    from customers.core.labels import actor_name

    for code in ("customer (web form)", "customer (self)", "customer (confirmed web form)"):
        assert actor_name(code).startswith("Khách hàng"), code
    assert actor_name("system:retention").startswith("Hệ thống")


def test_when_is_vietnam_time():
    from privacysite.display import when

    assert when(datetime.datetime(2026, 12, 5, 19, 34, tzinfo=datetime.UTC)) == "06/12/2026 02:34"
    assert timezone.get_current_timezone_name() == "Asia/Ho_Chi_Minh"


def test_requests_due_for_acknowledgement_count_as_due(live_data, staff_user):
    """A request not yet acknowledged is due when its acknowledgement is (two working days),
    not only when its answer is: three such requests were missing from "due soon"."""
    from customers.models import DataRequest
    from customers.requests.deadlines import add_working_days
    from dpo.dashboard import requests_panel

    today = timezone.localdate()
    for n, ack in enumerate(
        [add_working_days(today, 2), today, today - datetime.timedelta(days=1)]
    ):
        DataRequest.objects.create(
            reference=f"YC-ACK-{n}",
            customer=live_data["customers"][0],
            kind=DataRequest.Kind.ACCESS,
            status=DataRequest.Status.RECEIVED,
            acknowledge_by=ack,
            due_on=today + datetime.timedelta(days=20),
        )
    panel = requests_panel(today)
    due = {row["request"].reference for row in panel["due_soon"]}
    overdue = {row["request"].reference for row in panel["overdue"]}
    assert {"YC-ACK-0", "YC-ACK-1"} <= due
    assert "YC-ACK-2" in overdue


def test_profile_counts_the_subjects_the_dashboard_counts(live_data, client, staff_user):
    from dpo.selectors import profile, subjects_ever_processed
    from privacysite.display import number

    login_staff(client, staff_user(role=Role.DPO.value, username="dpo2"))
    response = client.get(reverse("admin:dpo_complianceprofile_change", args=[profile().pk]))
    text = visible_text(response.content.decode())
    assert subjects_ever_processed() > 0
    assert number(subjects_ever_processed()) in text  # 1.365 once there are a thousand
    assert "DPO_NAME" not in text


def test_admin_form_errors_are_announced_in_vietnamese(client, staff_user, seeded):
    from dpo.selectors import profile

    login_staff(client, staff_user(role=Role.DPO.value, username="dpo3"))
    response = client.post(
        reverse("admin:dpo_complianceprofile_change", args=[profile().pk]),
        {"dpo_name": "An", "dpo_email": "không-phải-email", "enterprise_size": "small"},
    )
    text = visible_text(response.content.decode())
    assert "Please correct" not in text
    assert "Vui lòng sửa các lỗi" in text


def test_the_admin_and_the_authenticator_name_the_company(client, staff_user, seeded, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    login_staff(client, staff_user(role=Role.DPO.value, username="dpo4"))
    text = visible_text(client.get(reverse("admin:index")).content.decode())
    company = settings.ORGANISATION["name"]
    assert f"{company}: nhân viên" in text
    assert "privacysite" not in text
    device = TOTPDevice.objects.filter(user__username="dpo4").first()
    assert "privacysite" not in device.config_url
    assert "issuer=" in device.config_url


def test_assignees_are_named_and_only_those_who_handle_requests(client, staff_user, live_data):
    import re as regex

    from customers.models import DataRequest

    handler = staff_user(role=Role.DPO.value, username="lan.dpo")
    handler.first_name, handler.last_name = "Lan", "Nguyễn Thị"
    handler.save()
    staff_user(role=Role.SALES.value, username="ban.hang")
    login_staff(client, staff_user(superuser=True, username="quantri2"))
    request = DataRequest.objects.first()
    html = client.get(
        reverse("admin:customers_datarequest_change", args=[request.pk])
    ).content.decode()
    select = regex.search(r'<select name="assignee".*?</select>', html, regex.S).group(0)
    assert "Nguyễn Thị Lan" in select
    assert "lan.dpo" not in select
    assert "ban.hang" not in select


def test_the_customer_page_has_no_view_on_site_and_history_goes_to_its_changes(
    client, staff_user, live_data
):
    customer = live_data["customers"][0]
    login_staff(client, staff_user(superuser=True, username="quantri3"))
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    html = client.get(url).content.decode()
    assert "viewsitelink" not in html
    assert 'id="changes-group"' in html
    history = client.get(reverse("admin:customers_customer_history", args=[customer.pk]))
    assert history.status_code == 302
    assert history["Location"] == f"{url}#changes-group"


def test_change_reasons_in_words():
    from customers.core.labels import change_reason

    assert change_reason("web form confirmed (pending change #12)").startswith("Khách hàng")
    assert change_reason("admin") == "Nhân viên sửa trong trang quản trị"


def test_the_header_follows_a_renamed_company(client, staff_user, seeded):
    from django.test import TestCase

    from customers.company.services import company_profile_update
    from customers.core.company import company_profile

    user = staff_user(superuser=True, username="quantri5")
    login_staff(client, user)
    client.get(reverse("admin:index"))  # the name is now cached
    company = company_profile()
    company.name = "Công ty CP Bảo Mật Sao Mai"
    with TestCase.captureOnCommitCallbacks(execute=True):
        company_profile_update(company=company, actor=user, changed=["name"])
    text = visible_text(client.get(reverse("admin:index")).content.decode())
    assert "Công ty CP Bảo Mật Sao Mai: nhân viên" in text
