"""Issue 32, finding 7: a link in a message changes nothing by being opened. A mail scanner
that fetches every link, a preview, a link replayed from a log: each gets a page that says
what the button will do; only the button (a POST) acts. A link already used says so."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from customers.consents.models import ConsentEvent
from customers.consents.tokens import preferences_token
from customers.models import Customer, MyDataSession
from customers.records.services import confirmation_token
from customers.requests import my_data
from demo.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def path_in(language, name, token):
    with translation.override(language):
        return reverse(name, args=[token])


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def has_button(response):
    """The page's one button, the form that acts (the language switch is another form)."""
    return 'id="link-step"' in response.content.decode()


# --- /my-data/open/<token>/ -----------------------------------------------------------------


def test_opening_a_my_data_link_spends_nothing_until_the_button_is_pressed(client, seeded):
    customer = CustomerFactory(full_name="Lê Thị Thu")
    path = reverse("customers:my_data_open", args=[my_data.link_token(customer)])
    for _ in range(3):  # the mail scanner, the mail client's preview, the customer
        page = client.get(path)
        assert page.status_code == 200
        assert has_button(page)
        assert "Lê Thị Thu" not in text(page)  # the page names nobody
        assert my_data.COOKIE not in page.cookies
    assert not MyDataSession.objects.exists()

    opened = client.post(path)
    assert opened.status_code == 302
    assert opened.url == reverse("customers:my_data_overview")
    assert MyDataSession.objects.count() == 1
    assert "Lê Thị Thu" in text(client.get(opened.url))


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("vi", "Đường dẫn này đã được sử dụng"),
        ("en", "The link has already been used"),
    ],
)
def test_a_used_my_data_link_says_so_and_opens_nothing(client, seeded, language, says):
    customer = CustomerFactory(full_name="Lê Thị Thu")
    token = my_data.link_token(customer)
    assert Client().post(reverse("customers:my_data_open", args=[token])).status_code == 302
    path = path_in(language, "customers:my_data_open", token)
    for replay in (client.get(path), client.post(path)):  # read from a log, then pressed
        assert replay.status_code == 400
        assert says in text(replay)
        assert not has_button(replay)  # no button that cannot work
        assert my_data.COOKIE not in replay.cookies
    assert MyDataSession.objects.count() == 1


# --- /confirm/<token>/ ----------------------------------------------------------------------


def test_opening_a_confirmation_link_confirms_nothing_until_the_button_is_pressed(client, seeded):
    customer = CustomerFactory(contact_confirmed_at=None)
    path = reverse("customers:confirm", args=[confirmation_token(customer)])
    for _ in range(2):
        page = client.get(path)
        assert page.status_code == 200 and has_button(page)
    customer.refresh_from_db()
    assert customer.contact_confirmed_at is None

    assert client.post(path).url == reverse("customers:confirmed")
    customer.refresh_from_db()
    assert customer.contact_confirmed_at is not None


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("vi", "Thông tin liên hệ của bạn đã được xác nhận lúc"),
        ("en", "Your contact details were already confirmed on"),
    ],
)
def test_a_used_confirmation_link_says_when_it_was_used(client, seeded, language, says):
    customer = CustomerFactory(contact_confirmed_at=None)
    token = confirmation_token(customer)
    Client().post(reverse("customers:confirm", args=[token]))
    customer.refresh_from_db()
    confirmed_at = customer.contact_confirmed_at
    path = path_in(language, "customers:confirm", token)
    for replay in (client.get(path), client.post(path)):
        assert replay.status_code == 200
        page = text(replay)
        assert says in page
        assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", page)  # when, in Vietnam time
        assert not has_button(replay)
    customer.refresh_from_db()
    assert customer.contact_confirmed_at == confirmed_at  # a replay changes nothing


# --- /preferences/<token>/ ------------------------------------------------------------------


def test_preferences_show_on_a_get_and_change_only_on_a_post_with_its_csrf_token(seeded):
    customer = CustomerFactory()
    browser = Client(enforce_csrf_checks=True)
    path = reverse("consents:preferences", args=[preferences_token(customer)])
    page = browser.get(path)
    assert page.status_code == 200 and 'name="purpose_marketing_email"' in text(page)
    assert not ConsentEvent.objects.filter(customer=customer).exists()

    # A page elsewhere (or a replayed URL) posting without the form's token changes nothing.
    forged = Client(enforce_csrf_checks=True).post(path, {"purpose_marketing_email": "on"})
    assert forged.status_code == 403
    assert not ConsentEvent.objects.filter(customer=customer).exists()

    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    saved = browser.post(
        path, {"csrfmiddlewaretoken": csrf.group(1), "purpose_marketing_email": "on"}
    )
    assert saved.status_code == 302
    assert ConsentEvent.objects.filter(customer=customer).exists()
    assert Customer.objects.filter(pk=customer.pk).exists()
