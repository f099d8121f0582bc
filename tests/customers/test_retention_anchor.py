"""Each customer retention category has its own anchor and period, as data; the policy
page's retention section is written from the rules in force (issue 15, item 3)."""

import datetime
import html
import re

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from customers.consents.retention_text import rule_line
from customers.models import Customer, ErasureCertificate, RetentionRule, Service
from customers.retention.rules import retention_rules_ensure
from demo.factories import CustomerFactory, ServiceFactory

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 1, 10, 9, 0, tzinfo=datetime.UTC)
ENDED = datetime.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def rules(seeded):
    retention_rules_ensure()


def sweep(when):
    with time_machine.travel(when, tick=False):
        call_command("run_retention")


def ended_service_customer(**extra):
    with time_machine.travel(T0, tick=False):
        customer = CustomerFactory(**extra)
        ServiceFactory(
            customer=customer,
            started_on=datetime.date(2025, 3, 1),
            ends_on=ENDED,
            status=Service.Status.ENDED,
        )
    return customer


def at(day, hour=3):
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC)


def test_a_customer_whose_last_service_ended_is_erased_after_that_rules_grace_period():
    gone = ended_service_customer()
    came_back = ended_service_customer()
    with time_machine.travel(at(ENDED) + datetime.timedelta(days=10), tick=False):
        Customer.objects.filter(pk=came_back.pk).update(
            last_activity_at=datetime.datetime.now(datetime.UTC)
        )

    sweep(at(ENDED + datetime.timedelta(days=17)))  # notice: 14 days before the month is up
    sweep(at(datetime.date(2026, 4, 2)))  # one month after the end, plus a day
    gone.refresh_from_db()
    came_back.refresh_from_db()
    assert gone.status == Customer.Status.ERASED  # not kept 12 more months
    certificate = ErasureCertificate.objects.get(customer=gone)
    assert certificate.rule.category == RetentionRule.Category.SERVICE_ENDED
    assert came_back.status == Customer.Status.ACTIVE  # activity after the end counts


def retention_items(client):
    page = client.get(reverse("consents:privacy")).content.decode()
    section = page[page.index('id="retention"') :]
    section = section[: section.index("</section>")]
    return [
        html.unescape(re.sub(r"<[^>]+>", "", li)).strip()
        for li in re.findall(r"<li>(.*?)</li>", section, re.S)
    ]


def period_vi(months):
    return f"{months // 12} năm" if months % 12 == 0 else f"{months} tháng"


@pytest.mark.parametrize("until_asked", [False, True], ids=["periods", "kept-until-asked"])
def test_the_policy_page_says_what_the_rules_table_does(client, until_asked):
    if until_asked:  # NOS §4: customer data kept until the customer asks
        RetentionRule.objects.filter(
            category__in=[RetentionRule.Category.CUSTOMER, RetentionRule.Category.SERVICE_ENDED]
        ).update(period_months=None, action=RetentionRule.Action.KEEP, notice_days=0)
    items = retention_items(client)
    customer_rules = (RetentionRule.Category.CUSTOMER, RetentionRule.Category.SERVICE_ENDED)
    for rule in RetentionRule.objects.all():
        if rule.category in customer_rules and rule.period_months is None:
            # In the rule's own words, which the page uses: "lưu cho đến khi bạn yêu cầu xóa".
            assert rule_line(rule) in items
            assert "cho đến khi bạn yêu cầu xóa" in rule_line(rule)
            continue
        if rule.category == RetentionRule.Category.SERVICE_ENDED:
            line = next(i for i in items if "dịch vụ cuối cùng" in i)
        elif rule.category == RetentionRule.Category.CUSTOMER:
            line = next(i for i in items if "không phát sinh giao dịch" in i)
        else:
            line = next(i for i in items if i.startswith(rule.get_category_display() + ":"))
        if rule.period_months is None:
            assert "vĩnh viễn" in line
        else:
            assert period_vi(rule.period_months) in line, (rule.category, line)
        if rule.notice_days:
            assert f"trước {rule.notice_days} ngày" in line


def test_a_changed_rule_changes_the_page_and_the_behaviour_together(client):
    RetentionRule.objects.filter(category=RetentionRule.Category.CUSTOMER).update(period_months=18)
    line = next(i for i in retention_items(client) if "không phát sinh giao dịch" in i)
    assert "sau 18 tháng" in line and "12 tháng" not in line

    with time_machine.travel(T0, tick=False):
        idle = CustomerFactory()
    sweep(T0 + datetime.timedelta(days=366))
    assert Customer.objects.get(pk=idle.pk).status == Customer.Status.ACTIVE
    sweep(T0 + datetime.timedelta(days=548 - 29))
    sweep(T0 + datetime.timedelta(days=550))
    assert Customer.objects.get(pk=idle.pk).status == Customer.Status.ERASED
