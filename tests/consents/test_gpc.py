"""Global Privacy Control: ``Sec-GPC: 1`` refuses analytics and advertising cookies and leaves
marketing boxes unticked; the banner says why and the proof record notes the signal."""

import pytest
from django.urls import reverse

from customers.consents.cookies import CONSENT_COOKIE
from customers.consents.models import CookieConsent

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


def _register_and_process(client, email, **extra):
    from django.test import TestCase

    from customers.records.submissions import submissions_process_pending

    data = {
        "kind": "individual",
        "full_name": "Nguyễn Thị Hoa",
        "email": email,
        "phone_mobile": "0912 345 678",
        "address_home": "45 Trần Hưng Đạo, Quận 1, TP. Hồ Chí Minh",
        "purpose_marketing_email": "on",
    }
    response = client.post(reverse("customers:register"), data, **extra)
    assert response.status_code == 302
    with TestCase.captureOnCommitCallbacks(execute=True):
        submissions_process_pending()


def test_a_marketing_box_ticked_despite_gpc_is_granted_and_the_ledger_notes_the_signal(
    client, seeded, settings
):
    from customers.consents.models import ConsentEvent

    settings.FORM_RATE_LIMIT = settings.FORM_POST_RATE_LIMIT = "1000/m"
    _register_and_process(client, "gpc@example.vn", **GPC)
    _register_and_process(client, "plain@example.vn")
    events = {e.customer.email: e for e in ConsentEvent.objects.select_related("customer")}
    assert events["gpc@example.vn"].gpc is True
    assert events["gpc@example.vn"].purpose.code == "marketing_email"  # the tick still counts
    assert events["plain@example.vn"].gpc is False


def test_a_box_ticked_on_the_preferences_page_under_gpc_notes_the_signal(client, seeded):
    from customers.consents.models import ConsentEvent
    from customers.consents.tokens import preferences_token
    from demo.factories import CustomerFactory

    customer = CustomerFactory(email="pref@example.vn")
    url = reverse("consents:preferences", args=[preferences_token(customer)])
    client.post(url, {"purpose_marketing_email": "on"}, **GPC)
    event = ConsentEvent.objects.get(customer=customer, purpose__code="marketing_email")
    assert event.action == "granted" and event.gpc is True


def test_the_gpc_column_has_a_database_default_for_processes_older_than_it(postgres):
    """During a deploy, workers still running the old code insert ledger events without the
    column: the database fills it in instead of refusing the consent."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_default FROM information_schema.columns "
            "WHERE table_name = 'consents_consentevent' AND column_name = 'gpc'"
        )
        assert cursor.fetchone()[0] == "false"
