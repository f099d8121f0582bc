"""Every look at data about customers is logged (issue 31, finding 7), including an incident
file, which lists the customers a breach affects."""

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.core.roles import Role
from customers.models import AccessLogEntry, Incident
from demo.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_opening_an_incident_logs_a_look_at_each_affected_customer(staff_client, seeded):
    affected = CustomerFactory.create_batch(3)
    incident = Incident.objects.create(
        detected_at=timezone.now(),
        description="Một danh sách khách hàng bị gửi nhầm",
        data_categories="email",
        customer_ids=[c.pk for c in affected],
        volume=3,
    )
    dpo = staff_client(Role.DPO)
    before = AccessLogEntry.objects.count()
    page = dpo.get(reverse("admin:customers_incident_change", args=[incident.pk]))
    assert page.status_code == 200
    (entry,) = AccessLogEntry.objects.order_by("pk")[before:]
    assert entry.action == "view" and entry.actor.username == page.wsgi_request.user.username
    assert entry.customer_ids == sorted(c.pk for c in affected)
    assert "incident.customer_ids" in entry.fields
