"""The retention dry run says each rule in words and, on the demo data, reaches something:
customers to tell, customers to erase, one kept by a running warranty, old invoices."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import TestCase

from customers.models import Customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("seed_demo", customers=6, stdout=io.StringIO())
    settings.DEBUG = False


def dry_run(*args):
    out = io.StringIO()
    call_command("run_retention", "--dry-run", *args, stdout=out)
    return out.getvalue()


def test_each_rule_in_words_with_what_it_reaches_on_the_demo_data(demo):
    text = dry_run("--language", "en")
    assert (
        "Customer personal data: kept 1 year, counted from last activity or end of the last "
        "service; then: erase (keep an erasure certificate)." in text
    )
    assert "Accounting documents, permanent class: kept permanently" in text
    assert (
        "Accounting documents, 5-year class: kept 5 years, counted from end of the fiscal year"
        in text
    )
    counts = {}
    for label, count in re.findall(r"^ +(.+?): (\d+)$", text, re.M):
        counts[label] = counts.get(label, 0) + int(count)
    assert counts["customers to tell now that their data will be erased"] >= 2
    assert counts["customers to erase (inactive and told in time)"] >= 2
    assert counts["kept because of a running warranty"] == 1
    assert counts["documents to propose for destruction"] >= 2
    for customer in Customer.objects.all():  # counts only, no personal data
        assert customer.full_name not in text and customer.email not in text


def test_the_dry_run_speaks_the_sites_language_without_codes(demo):
    text = dry_run()
    assert "Dữ liệu cá nhân khách hàng: giữ 1 năm, tính từ" in text
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text  # no "access_log: 0"


def test_seeding_twice_adds_the_examples_once(demo, settings):
    before = Customer.objects.count()
    settings.DEBUG = True
    call_command("seed_demo", customers=6, stdout=io.StringIO())
    assert Customer.objects.count() == before
