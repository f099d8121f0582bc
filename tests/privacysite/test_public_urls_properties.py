"""Every public form and every token URL, fed arbitrary input: never a server error.

The registration and service-request forms have their own, stricter properties in
tests/customers/test_form_properties.py (a stored customer or the form again).
"""

import pytest
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from customers.consents.services.seed import consents_seed
from customers.consents.tokens import preferences_token, unsubscribe_token
from customers.models import Customer
from customers.records.services import confirmation_token
from customers.requests import my_data
from demo.factories import CustomerFactory

pytestmark = pytest.mark.slow

TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=200)
# A path segment: anything but "/" (Django's <str:> converter), including nothing useful.
SEGMENT = st.text(
    st.characters(exclude_categories=["Cs", "Cc"], exclude_characters="/?#%"),
    min_size=1,
    max_size=120,
)
TOKEN_URLS = [
    "customers:confirm",
    "customers:my_data_open",
    "consents:preferences",
    "consents:unsubscribe",
]
REFUSED = {400, 403, 404, 405, 410}
EXAMPLES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def valid_tokens(customer):
    return {
        "customers:confirm": confirmation_token(customer),
        "customers:my_data_open": my_data.link_token(customer),
        "consents:preferences": preferences_token(customer),
        "consents:unsubscribe": unsubscribe_token(customer, "marketing_email"),
    }


def mutate(token, data):
    """A real token, damaged: cut short, a character changed, or something appended."""
    how = data.draw(st.sampled_from(["cut", "change", "append"]))
    if how == "cut":
        return token[: data.draw(st.integers(1, max(1, len(token) - 1)))]
    if how == "change":
        at = data.draw(st.integers(0, len(token) - 1))
        return token[:at] + data.draw(st.sampled_from("AZaz09-_:.")) + token[at + 1 :]
    return token + data.draw(SEGMENT)


@override_settings(
    FORM_RATE_LIMIT="100000/m",
    FORM_POST_RATE_LIMIT="100000/m",
    MY_DATA_RATE_LIMIT="100000/m",
    MY_DATA_RECIPIENT_RATE_LIMIT="100000/m",
)
class PublicUrlsNeverFail(TestCase):
    @classmethod
    def setUpTestData(cls):
        consents_seed()
        cls.customer = CustomerFactory()

    def answer(self, method, path, data=None):
        response = getattr(self.client, method)(path, data or {})
        assert response.status_code < 500, (path, response.status_code)
        return response

    @EXAMPLES
    @given(name=st.sampled_from(TOKEN_URLS), token=SEGMENT, method=st.sampled_from(["get", "post"]))
    def test_arbitrary_tokens_are_refused_clearly(self, name, token, method):
        response = self.answer(method, reverse(name, args=[token]))
        assert response.status_code in REFUSED | {200}
        if response.status_code == 200:  # a page that says the link cannot be used
            assert "customer" not in response.context or response.context["customer"] is None

    @EXAMPLES
    @given(name=st.sampled_from(TOKEN_URLS), data=st.data())
    def test_damaged_real_tokens_are_refused(self, name, data):
        token = mutate(valid_tokens(self.customer)[name], data)
        self.answer(data.draw(st.sampled_from(["get", "post"])), reverse(name, args=[token]))

    @EXAMPLES
    @given(
        choice=st.one_of(TEXT, st.sampled_from(["save", "accept_all", "reject_all"])),
        categories=st.dictionaries(st.sampled_from(["analytics", "marketing", "x"]), TEXT),
        next_url=st.one_of(TEXT, st.sampled_from(["/", "//evil.example/", "https://x.example"])),
    )
    def test_cookie_choices(self, choice, categories, next_url):
        data = {"choice": choice, "next": next_url}
        data.update({f"category_{k}": v for k, v in categories.items()})
        response = self.answer("post", reverse("consents:cookies"), data)
        if response.status_code == 302:
            location = response["Location"]
            assert location.startswith("/") and not location.startswith("//")

    @EXAMPLES
    @given(email=st.one_of(TEXT, st.emails()))
    def test_asking_for_a_my_data_link(self, email):
        response = self.answer("post", reverse("customers:my_data"), {"email": email})
        assert response.status_code in (200, 302)  # the form again, or redirect after POST

    @EXAMPLES
    @given(language=TEXT, next_url=TEXT)
    def test_language_switch(self, language, next_url):
        self.answer("post", reverse("set_language"), {"language": language, "next": next_url})

    @EXAMPLES
    @given(
        form=st.sampled_from(["correct", "delete", "object", "complain"]),
        data=st.dictionaries(
            st.sampled_from(
                ["full_name", "email", "tax_code", "phone_mobile", "address_home"]
                + ["details", "category", "business_name", "contact_person"]
            ),
            TEXT,
        ),
    )
    def test_my_data_forms_with_a_valid_link(self, form, data):
        opened = self.client.post(
            reverse("customers:my_data_open", args=[my_data.link_token(self.customer)])
        )
        assert opened.status_code == 302
        before = Customer.objects.get(pk=self.customer.pk).email
        self.answer("post", reverse(f"customers:my_data_{form}"), data)
        # What the customer sends is a request to staff; nothing of the record changes here.
        assert Customer.objects.get(pk=self.customer.pk).email == before

    @EXAMPLES
    @given(purposes=st.dictionaries(st.sampled_from(["marketing_email", "surveys", "x"]), TEXT))
    def test_preferences_with_a_valid_token(self, purposes):
        path = reverse("consents:preferences", args=[preferences_token(self.customer)])
        data = {f"purpose_{k}": v for k, v in purposes.items()}
        assert self.answer("post", path, data).status_code == 302  # redirect after the POST
