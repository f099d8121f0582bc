"""Every public form redirects after a successful POST, and the same rendered form sent
twice is one request (issue 15, item 7)."""

import re

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from customers.consents.tokens import preferences_token, unsubscribe_token
from customers.models import DataRequest
from customers.requests import my_data
from demo.factories import CustomerFactory
from tests.customers.test_collection import REGISTRATION, confirmation_link, register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _generous_rate_limits(settings):
    settings.FORM_RATE_LIMIT = "1000/m"
    settings.MY_DATA_RATE_LIMIT = "1000/m"


def signed_in(client, customer):
    response = client.post(reverse("customers:my_data_open", args=[my_data.link_token(customer)]))
    assert response.status_code == 302
    return client


def rendered_key(client, url):
    page = client.get(url).content.decode()
    return re.search(r'name="submission_key" value="([^"]+)"', page).group(1)


def test_every_public_form_redirects_after_a_successful_post(client, seeded):
    customer = CustomerFactory(email="an@example.vn")
    posts = [
        (reverse("customers:register"), REGISTRATION),
        (
            reverse("customers:service_request"),
            {
                "full_name": "Lê Văn Tám",
                "address_home": "8 Nguyễn Huệ, Huế",
                "email": "tam.le@example.vn",
                "phone_mobile": "0905111222",
                "services": ["cctv"],
            },
        ),
        (reverse("customers:my_data"), {"email": "an@example.vn"}),
        (reverse("consents:cookies"), {"choice": "reject_all"}),
        (reverse("consents:preferences", args=[preferences_token(customer)]), {}),
        (
            reverse("consents:unsubscribe", args=[unsubscribe_token(customer, "marketing_email")]),
            {},
        ),
    ]
    signed_in(client, customer)
    for name in ("my_data_delete", "my_data_object"):
        posts.append((reverse(f"customers:{name}"), {"details": "Xin xử lý giúp"}))
    posts.append(
        (reverse("customers:my_data_complain"), {"category": "other", "details": "Gọi quá nhiều"})
    )
    posts.append(
        (reverse("customers:my_data_correct"), {"full_name": "Tên Mới", "email": "an@example.vn"})
    )
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert client.get(response["Location"]).status_code == 200, url


def test_reloading_the_success_page_or_sending_the_same_form_twice_files_one_request(
    client, seeded, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(email="binh@example.vn")
    signed_in(client, customer)
    url = reverse("customers:my_data_delete")
    key = rendered_key(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"details": "Xóa giúp tôi", "submission_key": key})
        second = client.post(url, {"details": "Xóa giúp tôi", "submission_key": key})
    assert first["Location"] == second["Location"]
    for _ in range(2):  # reloading the success page is a GET
        page = client.get(first["Location"])
        assert "YC-" in page.content.decode()
    assert DataRequest.objects.count() == 1
    assert len([m for m in mail.outbox if "YC-" in m.subject]) == 1  # acknowledged once
    # A newly rendered form is a new request.
    client.post(url, {"details": "Lần nữa", "submission_key": rendered_key(client, url)})
    assert DataRequest.objects.count() == 2


def test_a_request_page_shows_only_the_signed_in_customers_own_request(client, seeded):
    owner = CustomerFactory()
    signed_in(client, owner)
    response = client.post(reverse("customers:my_data_delete"), {"details": ""})
    location = response["Location"]
    other = CustomerFactory()
    client.cookies.clear()
    signed_in(client, other)
    assert client.get(location).status_code == 404


def test_confirming_a_contact_redirects_and_a_reload_confirms_nothing_more(client, seeded):
    with TestCase.captureOnCommitCallbacks(execute=True):
        register(client)
    path = confirmation_link(mail.outbox[0]).split("127.0.0.1:8000", 1)[1]
    response = client.post(path)
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert REGISTRATION["email"] in mail.outbox[0].to
