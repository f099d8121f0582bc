"""The DPO's admin home: requests, incidents, clocks, the SME exemption, transfer warnings,
charts drawn without scripts, and the access-anomaly alert."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from customers.core.roles import Role
from customers.models import AccessLogEntry, DataRequest, Incident, Recipient
from dpo.models import AccessAlert
from dpo.services.alerts import access_alerts_detect

pytestmark = pytest.mark.django_db


def dashboard(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="dpo-dashboard"' in html, "no dashboard on the DPO's home"
    return html


def test_the_dpo_home_shows_what_needs_doing(live_data, staff_client):
    today = timezone.localdate()
    DataRequest.objects.create(
        reference="YC-OVERDUE",
        customer=live_data["customers"][1],
        kind=DataRequest.Kind.DELETION,
        status=DataRequest.Status.IN_PROGRESS,
        acknowledge_by=today - datetime.timedelta(days=12),
        due_on=today - datetime.timedelta(days=2),
    )
    Incident.objects.create(
        status=Incident.Status.OPEN,
        detected_at=timezone.now() - datetime.timedelta(hours=30),
        description="x",
    )
    html = dashboard(staff_client(role=Role.DPO))
    assert "1 yêu cầu quá hạn" in html and "YC-OVERDUE" in html
    assert "1 yêu cầu trả lời trễ hạn trong năm nay" in html
    assert "còn 42 giờ" in html
    # Mailgun Frankfurt is abroad and no cross-border assessment was filed.
    assert "Mailgun Frankfurt lưu trữ dữ liệu ở nước ngoài" in html
    assert "Được miễn trừ" in html
    # Consent chart: the two grants of this month, as SVG with no script anywhere.
    purpose = live_data["email_purpose"]
    month = f"{today:%m/%y}"
    assert f"<title>Đồng ý · {month}: 2</title>" in html
    assert purpose.name_vi in html
    # Charts are drawn on the server: nothing between the dashboard's start and its last
    # chart is a script.
    dash = html[html.index('id="dpo-dashboard"') : html.index('id="dpo-access-charts"')]
    assert "<svg" in dash and "<script" not in dash


def test_the_csp_forbids_inline_scripts_on_the_dashboard(live_data, staff_client):
    response = staff_client(role=Role.DPO).get(reverse("admin:index"))
    policy = response.headers["Content-Security-Policy"]
    script = re.search(r"script-src ([^;]*)", policy).group(1)
    assert "unsafe-inline" not in script


def test_other_roles_get_the_plain_admin_home(live_data, staff_client):
    response = staff_client(role=Role.SALES).get(reverse("admin:index"))
    assert response.status_code == 200
    assert "dpo-dashboard" not in response.content.decode()


def test_the_recipient_admin_warns_while_a_foreign_recipient_has_no_assessment(
    live_data, staff_client
):
    client = staff_client(role=Role.DPO)
    listing = client.get(reverse("admin:customers_recipient_changelist")).content.decode()
    assert "chưa có" in listing
    abroad = Recipient.objects.get(name="Mailgun Frankfurt")
    page = client.get(reverse("admin:customers_recipient_change", args=[abroad.pk]), follow=True)
    assert "chưa có hồ sơ đánh giá tác động chuyển dữ liệu ra nước ngoài (Mẫu 09)" in (
        page.content.decode()
    )


def look(actor, count, when):
    # The access log is append-only: entries are written with their time, as they happened.
    AccessLogEntry.objects.create(
        actor=actor,
        actor_label=actor.username,
        action=AccessLogEntry.Action.VIEW,
        customer_ids=list(range(1, count + 1)),
        at=when,
    )


@pytest.fixture
def history(staff_user):
    """Two staff members, each with a usual day over the last 30 days."""
    dpo = staff_user(role=Role.DPO, username="dpo")
    dpo.email = "dpo@antam.vn"
    dpo.save()
    quiet = staff_user(role=Role.CUSTOMER_CARE, username="cskh")
    busy = staff_user(role=Role.SALES, username="kinhdoanh")
    now = timezone.now()
    for days_ago in range(1, 21):
        look(quiet, 6, now - datetime.timedelta(days=days_ago))
        look(busy, 30, now - datetime.timedelta(days=days_ago))
    return quiet, busy


def test_far_more_looks_than_usual_raise_one_alert_and_mail_the_dpo(history, staff_client):
    quiet, busy = history
    now = timezone.now()
    look(quiet, 60, now)  # ten times their median of 6, and over 50
    look(busy, 60, now)  # twice their median of 30: their normal busy day
    raised = access_alerts_detect()
    assert [(a.actor, a.customers_seen, a.usual) for a in raised] == [(quiet, 60, 6)]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dpo@antam.vn"]
    assert "cskh" in mail.outbox[0].body and "60" in mail.outbox[0].body
    assert access_alerts_detect() == [] and len(mail.outbox) == 1  # once a day
    assert AccessAlert.objects.get().mailed_at is not None
    html = dashboard(staff_client(role=Role.DPO, username="dpo2"))
    assert "cskh đã xem 60 khách hàng" in html


def test_under_fifty_is_never_an_alert(history):
    quiet, _busy = history
    look(quiet, 49, timezone.now())
    assert access_alerts_detect() == []
