"""Issue 28 §5: every customer is told before the retention erasure. Without an email the
notice goes by SMS; without a mobile either, staff get a call task with its own deadline.
Nobody is erased who was never told, unless the rule says no notice is due."""

import datetime
import json

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from customers.core.roles import Role
from customers.messaging.services import render_email
from customers.models import CallTask, Customer, ErasureCertificate, Message, RetentionRule
from customers.outreach.services import call_task_done
from customers.retention.report import retention_report
from customers.retention.rules import retention_rules_ensure
from customers.retention.services import retention_plan
from demo.factories import CustomerFactory

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 1, 10, 9, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def rules(seeded):
    retention_rules_ensure()


def sweep(when):
    with time_machine.travel(when, tick=False):
        call_command("run_retention")


def make_customer(**contact):
    with time_machine.travel(T0, tick=False):
        return CustomerFactory(**{"email": "", "phone_mobile": "", **contact})


def status(customer):
    return Customer.objects.get(pk=customer.pk).status


def test_without_email_the_notice_goes_by_sms_and_erasure_waits_the_notice_period():
    customer = make_customer(phone_mobile="0903 456 789")
    sweep(T0 + (365 - 31) * DAY)
    assert not Message.objects.exists()  # not yet within the notice window
    sweep(T0 + (365 - 29) * DAY)
    notice = Message.objects.get(customer=customer)
    assert (notice.channel, notice.template) == ("sms", "erasure_notice_sms")
    assert notice.recipient == customer.phone_mobile
    _subject, text, _html = render_email(
        template=notice.template, context=json.loads(notice.context), language="vi"
    )
    assert "sẽ xóa dữ liệu cá nhân của bạn vào ngày 11/01/2027" in text
    sweep(T0 + 364 * DAY)  # 12 months minus a day: kept
    assert status(customer) == "active"
    sweep(T0 + 366 * DAY)  # 12 months plus a day, 30 days after the SMS: erased
    assert status(customer) == "erased"
    assert ErasureCertificate.objects.get(customer=customer).trigger == "inactivity"


def test_a_late_notice_still_gives_the_whole_notice_period():
    """Under the old code a customer without email was erased at the first sweep past 12
    months, never told. Now the SMS goes first and the erasure waits 30 days after it."""
    customer = make_customer(phone_mobile="0903 456 789")
    sweep(T0 + 400 * DAY)
    assert status(customer) == "active"
    assert Message.objects.filter(customer=customer, channel="sms").count() == 1
    sweep(T0 + 429 * DAY)
    assert status(customer) == "active"
    sweep(T0 + 431 * DAY)
    assert status(customer) == "erased"


def test_without_email_or_mobile_staff_get_a_call_task_and_erasure_waits_for_the_call(
    staff_user,
):
    customer = make_customer(phone_home="024 3825 1234")
    sweep(T0 + 400 * DAY)
    task = CallTask.objects.get(customer=customer)
    assert task.purpose == "erasure_notice" and task.done_at is None
    assert task.due_on == (T0 + 407 * DAY).date()  # its own deadline: a week
    assert not Message.objects.filter(customer=customer).exists()
    sweep(T0 + 401 * DAY)
    assert CallTask.objects.filter(customer=customer).count() == 1  # one task, not one a day
    sweep(T0 + 500 * DAY)
    assert status(customer) == "active"  # never told: never erased
    with time_machine.travel(T0 + 500 * DAY, tick=False):
        report = "\n".join(retention_report(retention_plan()))
    assert "cuộc gọi báo khách hàng trước khi xóa dữ liệu, chưa thực hiện: 1 (quá hạn: 1)" in report

    with pytest.raises(PermissionDenied):
        call_task_done(task=task, actor=staff_user(role=Role.TECH_SUPPORT.value))
    with time_machine.travel(T0 + 502 * DAY, tick=False):
        assert call_task_done(task=task, actor=staff_user(role=Role.SALES.value))
        assert not call_task_done(task=task, actor=staff_user(role=Role.SALES.value, username="s2"))
    assert Customer.objects.get(pk=customer.pk).erasure_notice_sent_at == T0 + 502 * DAY
    sweep(T0 + 531 * DAY)
    assert status(customer) == "active"
    sweep(T0 + 533 * DAY)
    assert status(customer) == "erased"


def test_no_notice_due_under_the_rule_means_no_wait():
    RetentionRule.objects.filter(category="customer").update(notice_days=0)
    customer = make_customer(phone_home="024 3825 1234")
    sweep(T0 + 400 * DAY)
    assert status(customer) == "erased"
    assert not CallTask.objects.exists() and not Message.objects.exists()


def test_a_suspended_email_is_no_way_to_tell_them():
    customer = make_customer(email="nghi.ngo@example.vn", phone_mobile="0903 456 789")
    Customer.objects.filter(pk=customer.pk).update(email_suspended_at=T0)
    sweep(T0 + 400 * DAY)
    assert Message.objects.get(customer=customer).channel == "sms"


def test_a_notice_that_never_arrived_is_sent_another_way_and_the_period_starts_again():
    customer = make_customer(email="tin.luong@example.vn", phone_mobile="0903 456 789")
    sweep(T0 + 340 * DAY)
    email = Message.objects.get(customer=customer)
    assert email.template == "erasure_notice"
    Message.objects.filter(pk=email.pk).update(status=Message.Status.FAILED)
    sweep(T0 + 371 * DAY)  # 31 days after the email, which failed: told by SMS instead
    assert status(customer) == "active"
    sms = Message.objects.get(customer=customer, channel="sms")
    assert sms.template == "erasure_notice_sms"
    sweep(T0 + 372 * DAY)
    assert Message.objects.filter(customer=customer).count() == 2  # no third notice
    sweep(T0 + 400 * DAY)
    assert status(customer) == "active"
    sweep(T0 + 402 * DAY)  # 31 days after the SMS
    assert status(customer) == "erased"


def test_when_every_message_fails_staff_are_asked_to_call():
    customer = make_customer(phone_mobile="0903 456 789")
    sweep(T0 + 340 * DAY)
    Message.objects.filter(customer=customer).update(status=Message.Status.HELD)
    sweep(T0 + 371 * DAY)
    assert CallTask.objects.get(customer=customer).purpose == CallTask.ERASURE_NOTICE
    sweep(T0 + 420 * DAY)
    assert status(customer) == "active"
