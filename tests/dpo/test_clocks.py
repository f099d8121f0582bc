"""Update clocks (Law 91 Art 22), the beat reminder and the SME exemption counter."""

import datetime
import time

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from customers.core.roles import Role
from customers.models import Customer, Recipient
from demo.factories import CustomerFactory
from dpo.models import ComplianceProfile, DossierVersion, UpdateClock
from dpo.selectors import profile, subjects_ever_processed
from dpo.services import dossiers
from dpo.services.clocks import clocks_due_reminders
from dpo.sme import sme_status
from dpo.tasks import update_clocks_daily
from privacysite.celery import app
from tests.dpo.conftest import ready_to_file

pytestmark = pytest.mark.django_db


def file_dpia(actor, filed_on):
    ready_to_file(actor)
    version = dossiers.dossier_generate(kind="dpia", actor=actor)
    version = dossiers.dossier_review(version=version, actor=actor)
    version = dossiers.dossier_sign(version=version, actor=actor)
    return dossiers.dossier_file(
        version=version, actor=actor, filed_on=filed_on, reference=f"02a/{filed_on:%Y%m%d}"
    )


@pytest.fixture
def dpo(staff_user):
    user = staff_user(role=Role.DPO, username="dpo")
    user.email = "dpo@antam.vn"
    user.save()
    return user


@pytest.mark.slow  # renders the dossier's PDF (in make test, not make test-fast)
def test_a_new_recipient_starts_the_six_month_clock_and_beat_reminds_the_dpo(live_data, dpo):
    filed = file_dpia(dpo, datetime.date(2026, 1, 10))
    update_clocks_daily.delay()
    assert not UpdateClock.objects.exists(), "nothing changed since the filing"
    Recipient.objects.create(
        name="Zalo OA",
        kind=Recipient.Kind.PARTNER,
        purpose="Chăm sóc",
        data_categories="Điện thoại",
        hosted_in=Recipient.Hosting.VIETNAM,
    )
    update_clocks_daily.delay()
    clock = UpdateClock.objects.get()
    assert clock.kind == UpdateClock.Kind.SIX_MONTHS
    assert clock.reason == "Bên nhận mới: Zalo OA (Việt Nam)"
    # Counted in six-month steps from the first filing.
    today = timezone.localdate()
    assert clock.due_on > today and clock.due_on.day == 10
    assert (clock.due_on.month - filed.filed_on.month) % 6 == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dpo@antam.vn"]
    assert (
        "Zalo OA" in mail.outbox[0].body
        and clock.due_on.strftime("%d/%m/%Y") in mail.outbox[0].body
    )
    # A second run the same day starts no second clock and mails nothing more.
    update_clocks_daily.delay()
    assert UpdateClock.objects.count() == 1 and len(mail.outbox) == 1
    # Filing the updated DPIA closes it.
    newer = file_dpia(dpo, today)
    clock.refresh_from_db()
    assert clock.closed_by == newer and clock.closed_at is not None


def test_reminders_come_weekly_then_daily_in_the_last_ten_days(db):
    start = timezone.now()
    clock = UpdateClock.objects.create(
        kind=UpdateClock.Kind.SIX_MONTHS,
        reason="x",
        started_at=start,
        due_on=timezone.localdate() + datetime.timedelta(days=40),
    )
    today = timezone.localdate()
    assert clocks_due_reminders(today=today) == [clock]
    UpdateClock.objects.filter(pk=clock.pk).update(reminded_on=today)
    assert clocks_due_reminders(today=today + datetime.timedelta(days=3)) == []
    assert clocks_due_reminders(today=today + datetime.timedelta(days=7)) == [clock]
    UpdateClock.objects.filter(pk=clock.pk).update(reminded_on=today + datetime.timedelta(days=31))
    assert clocks_due_reminders(today=today + datetime.timedelta(days=32)) == [clock]


def test_the_beat_schedule_names_the_dpo_tasks():
    schedule = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"dpo.tasks.update_clocks_daily", "dpo.tasks.access_alerts_check"} <= schedule
    assert update_clocks_daily.name == "dpo.tasks.update_clocks_daily"


def test_subject_counter_counts_everyone_ever_recorded_and_never_goes_down(db):
    customers = CustomerFactory.create_batch(3)
    assert subjects_ever_processed() == customers[-1].pk
    update_clocks_daily.delay()
    counted = ComplianceProfile.objects.get().subjects_counted
    assert counted == customers[-1].pk
    Customer.objects.filter(pk=customers[-1].pk).delete()
    update_clocks_daily.delay()
    assert ComplianceProfile.objects.get().subjects_counted == counted


@pytest.mark.parametrize(
    ("changes", "subjects", "applies", "says"),
    [
        ({}, 10, True, ""),
        ({}, 95_000, True, "95.000"),
        ({}, 100_000, False, "100.000"),
        ({"processes_sensitive_data": True}, 10, False, "nhạy cảm"),
        ({"offers_processing_services": True}, 10, False, "dịch vụ xử lý"),
        ({"enterprise_size": "medium"}, 10, False, "vừa hoặc lớn"),
    ],
)
def test_sme_exemption(db, changes, subjects, applies, says):
    prof = profile()
    for name, value in changes.items():
        setattr(prof, name, value)
    status = sme_status(profile=prof, subjects=subjects)
    assert status.applies is applies
    assert says in " ".join(status.reasons) + status.warning


def test_the_small_enterprise_exemption_ends_with_2030(db):
    prof = profile()
    with time_machine.travel(datetime.datetime(2031, 1, 2, tzinfo=datetime.UTC)):
        status = sme_status(profile=prof, subjects=10)
    assert not status.applies and "31/12/2030" in status.reasons[0]
    prof.enterprise_size = ComplianceProfile.Size.MICRO
    with time_machine.travel(datetime.datetime(2031, 1, 2, tzinfo=datetime.UTC)):
        assert sme_status(profile=prof, subjects=10).applies


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_reminder_runs_on_a_real_worker(transactional_db, staff_user, celery_worker):
    from customers.consents.services.seed import consents_seed

    consents_seed()
    user = staff_user(role=Role.DPO, username="dpo-worker")
    user.email = "dpo@antam.vn"
    user.save()
    UpdateClock.objects.create(
        kind=UpdateClock.Kind.TEN_DAYS,
        reason="Tổ chức lại",
        started_at=timezone.now(),
        due_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    update_clocks_daily.delay()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not UpdateClock.objects.get().reminded_on:
        time.sleep(0.1)
    assert UpdateClock.objects.get().reminded_on == timezone.localdate(), "no worker ran it"
    assert [m.to for m in mail.outbox] == [["dpo@antam.vn"]]
    assert "Tổ chức lại" in mail.outbox[0].body
    assert not DossierVersion.objects.exists()
