"""One rule for "may we contact this customer for a purpose on this channel": the lookup
reads it on a row, the suppression lists in the database; both must say the same for every
customer and channel (issue 31, finding 9)."""

import itertools

import pytest
from django.utils import timezone

from api.selectors import contact_blocked, contact_blocked_row
from customers.consents.models import Purpose
from customers.models import Customer
from demo.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_the_rule_on_a_row_is_the_rule_in_the_database():
    cases = list(
        itertools.product(
            [Customer.Status.ACTIVE, Customer.Status.RESTRICTED],
            Customer.Source.values,
            [True, False],  # address confirmed
            [True, False],  # email channel suspended
        )
    )
    customers = [
        CustomerFactory(
            status=status,
            source=source,
            contact_confirmed_at=timezone.now() if confirmed else None,
            email_suspended_at=timezone.now() if suspended else None,
        )
        for status, source, confirmed, suspended in cases
    ]
    for channel in Purpose.Channel.values:
        in_database = set(
            Customer.objects.filter(contact_blocked(channel)).values_list("pk", flat=True)
        )
        for customer, (status, source, confirmed, suspended) in zip(customers, cases, strict=True):
            on_a_row = contact_blocked_row(
                purpose_channel=channel,
                status=status,
                source=source,
                confirmed=confirmed,
                email_suspended=suspended,
            )
            assert on_a_row == (customer.pk in in_database), (channel, status, source, confirmed)
