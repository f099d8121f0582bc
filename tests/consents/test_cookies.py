import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.consents.cookies import CONSENT_COOKIE, CookieChoice, catalogue
from customers.consents.models import CookieConsent

pytestmark = pytest.mark.django_db


def test_first_visit_shows_the_banner_with_equal_accept_and_reject(client, seeded):
    html = client.get("/").content.decode()
    assert 'id="cookie-banner"' in html
    assert 'value="accept_all" class="btn btn-primary"' in html
    assert 'value="reject_all" class="btn btn-primary"' in html


def test_reject_all_records_proof_keeps_only_necessary_and_removes_declined_cookies(client, seeded):
    client.cookies["_site_stats"] = "123"
    response = client.post(
        reverse("consents:cookies"),
        {"choice": "reject_all", "next": "/privacy/"},
        HTTP_USER_AGENT="Mozilla/5.0 test",
        REMOTE_ADDR="203.0.113.77",
    )
    assert response.status_code == 302 and response["Location"] == "/privacy/#cookie-choice-saved"
    record = CookieConsent.objects.get()
    assert record.categories == ["necessary"]
    assert record.policy_version == 1
    assert record.ip_truncated == "203.0.113.0"
    choice = CookieChoice.parse(response.cookies[CONSENT_COOKIE].value)
    assert choice.categories == {"necessary"}
    assert response.cookies["_site_stats"]["max-age"] == 0  # deleted
    html = client.get("/").content.decode()
    assert 'id="cookie-banner"' not in html
    assert "analytics.js" not in html


def test_saved_settings_keep_only_the_categories_ticked(client, seeded):
    client.post(
        reverse("consents:cookies"),
        {"choice": "save", "category_analytics": "on", "category_bogus": "on"},
    )
    assert CookieConsent.objects.get().categories == ["analytics", "necessary"]
    assert "analytics.js" in client.get("/").content.decode()


def test_consent_post_is_one_insert_with_no_session_or_user_lookup(client, seeded):
    catalogue()  # warm, as on every page view before
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("consents:cookies"), {"choice": "accept_all"})
    assert response.status_code == 302
    assert [q["sql"].split()[0] for q in queries] == ["INSERT"]
    assert "sessionid" not in response.cookies


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "//testserver/privacy/"],
)
def test_open_redirects_are_refused(client, seeded, target):
    # Only a path is followed: a URL naming a host, ours too, is not.
    response = client.post(reverse("consents:cookies"), {"choice": "reject_all", "next": target})
    assert (
        response["Location"] == "/cookies/#cookie-choice-saved"
    )  # refused: the settings page, here


def test_the_way_back_may_come_in_the_address(client, seeded):
    # The settings page linked from another page carries where to go back to.
    page = client.get(reverse("consents:cookies") + "?next=/privacy/").content.decode()
    assert 'name="next" value="/privacy/"' in page
    response = client.post(reverse("consents:cookies") + "?next=/privacy/", {"choice": "save"})
    assert response["Location"] == "/privacy/#cookie-choice-saved"


def test_cookie_settings_page_lists_every_cookie(client, seeded):
    html = client.get(reverse("consents:cookies")).content.decode()
    for name in ["csrftoken", "cookie_consent", "_site_stats", "_ad_ref"]:
        assert f"<code>{name}</code>" in html


def test_the_choice_is_remembered_for_its_twelve_months(client, seeded):
    from email.utils import parsedate_to_datetime

    from customers.consents.cookies import CONSENT_MAX_AGE

    before = time.time()
    response = client.post(reverse("consents:cookies"), {"choice": "accept_all"})
    after = time.time()
    cookie = response.cookies[CONSENT_COOKIE]
    assert int(cookie["max-age"]) == CONSENT_MAX_AGE
    expires = parsedate_to_datetime(cookie["expires"]).timestamp()
    assert int(before) + CONSENT_MAX_AGE <= expires <= after + CONSENT_MAX_AGE
    assert cookie["expires"].endswith(" GMT")
