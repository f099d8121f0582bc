"""Whatever is typed into the public forms, the answer is a stored customer or the form again
with its errors: never a server error, never half a record."""

import pytest
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from customers.consents.services.seed import consents_seed
from customers.models import Customer, Submission
from customers.records.submissions import submissions_process_pending

pytestmark = pytest.mark.slow

ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
LIKELY = {
    "email": st.one_of(ANY_TEXT, st.emails()),
    "phone_mobile": st.one_of(ANY_TEXT, st.sampled_from(["0903123456", "+84 912 345 678"])),
    "tax_code": st.one_of(ANY_TEXT, st.sampled_from(["0312345673", "0100109106-506", ""])),
    "kind": st.one_of(ANY_TEXT, st.sampled_from(["individual", "business"])),
}
REGISTRATION_FIELDS = [
    "kind",
    "full_name",
    "business_name",
    "tax_code",
    "contact_person",
    "email",
    "phone_mobile",
    "address_home",
    "purpose_surveys",
    "website",
]
SERVICE_FIELDS = [
    "full_name",
    "address_home",
    "email",
    "phone_mobile",
    "phone_home",
    "phone_office",
    "notes",
    "purpose_marketing_email",
]


def form_data(fields):
    return st.fixed_dictionaries({}, optional={f: LIKELY.get(f, ANY_TEXT) for f in fields})


@override_settings(FORM_RATE_LIMIT="100000/m", FORM_POST_RATE_LIMIT="100000/m")
class FormsNeverFail(TestCase):
    @classmethod
    def setUpTestData(cls):
        consents_seed()

    def check(self, url, data):
        before = Customer.objects.count()
        response = self.client.post(url, data)
        submissions_process_pending()  # the worker's part
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 200:
            assert response.context["form"].errors
            assert Customer.objects.count() == before
        elif not data.get("website"):
            assert Submission.objects.count() == 1

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(form_data(REGISTRATION_FIELDS))
    def test_registration(self, data):
        self.check(reverse("customers:register"), data)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(form_data(SERVICE_FIELDS), st.lists(st.sampled_from(["cctv", "other", "x"])))
    def test_service_request(self, data, services):
        self.check(reverse("customers:service_request"), {**data, "services": services})

    def test_invalid_utf8_is_answered_with_the_form(self):
        body = b"full_name=\xff\xfe\xc3&email=a%40example.vn&kind=individual"
        response = self.client.post(
            reverse("customers:register"), body, content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 200
        assert not Customer.objects.exists()
