"""Global Privacy Control: ``Sec-GPC: 1`` refuses analytics and advertising cookies and leaves
marketing boxes unticked; the banner says why and the proof record notes the signal."""

import pytest
from django.urls import reverse

from consents.cookies import CONSENT_COOKIE
from consents.models import CookieConsent

pytestmark = pytest.mark.django_db

GPC = {"HTTP_SEC_GPC": "1"}


def test_accept_all_with_gpc_refuses_analytics_and_the_record_notes_it(client, seeded):
    client.post(reverse("consents:cookies"), {"choice": "accept_all"}, **GPC)
    record = CookieConsent.objects.get()
    assert record.gpc is True
    assert "analytics" not in record.categories
    assert {"necessary", "preferences"} <= set(record.categories)
    assert "analytics" not in client.cookies[CONSENT_COOKIE].value
    page = client.get("/", **GPC).content.decode()
    assert 'data-cookie-category="analytics"' not in page


def test_without_gpc_accept_all_still_allows_analytics(client, seeded):
    client.post(reverse("consents:cookies"), {"choice": "accept_all"})
    record = CookieConsent.objects.get()
    assert record.gpc is False and "analytics" in record.categories
    assert 'data-cookie-category="analytics"' in client.get("/").content.decode()


def test_an_earlier_acceptance_is_overridden_while_the_browser_sends_gpc(client, seeded):
    client.post(reverse("consents:cookies"), {"choice": "accept_all"})
    assert 'data-cookie-category="analytics"' not in client.get("/", **GPC).content.decode()


def test_banner_and_settings_page_explain_the_signal(client, seeded):
    home = client.get("/", **GPC).content.decode()
    assert 'id="gpc-banner-notice"' in home and "Global Privacy Control" in home
    assert 'id="gpc-banner-notice"' not in client.get("/").content.decode()
    settings_page = client.get(reverse("consents:cookies"), **GPC).content.decode()
    assert 'name="category_analytics" disabled' in settings_page


def test_registration_form_explains_and_leaves_marketing_unticked(client, seeded):
    page = client.get(reverse("customers:register"), **GPC).content.decode()
    assert 'id="gpc-form-notice"' in page
    assert 'name="purpose_marketing_email"' in page
    assert 'name="purpose_marketing_email" checked' not in page
