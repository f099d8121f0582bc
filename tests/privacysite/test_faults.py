"""Faults a customer must not pay for: Redis unreachable while forms are submitted.

The cache here is a real Redis client pointed at a port where nothing listens (connection
refused), as when Redis is stopped. The broker side of the same fault (messages queued while
Redis is down go out when it is back) and a PostgreSQL restart under load are run against
real processes by ``bench/faults.py``; results in BENCHMARKS.md.
"""

import re

import pytest
from django.test import TestCase
from django.urls import reverse

from customers.models import Customer, Message, Submission
from customers.records.submissions import submissions_process_pending
from customers.requests import my_data
from demo.factories import CustomerFactory

pytestmark = pytest.mark.django_db

NOTHING_LISTENS = "redis://127.0.0.1:9/0"


def redis_cache(url):
    return {
        "default": {
            "BACKEND": "privacysite.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }


def test_forms_accept_and_store_everything_while_redis_is_down(client, seeded, settings):
    """The limit and the double-submit guard live in the submission's INSERT: a Redis
    outage neither drops a form nor lifts them."""
    settings.CACHES = redis_cache(NOTHING_LISTENS)
    settings.FORM_RATE_LIMIT = "3/m"
    page = client.get(reverse("customers:register"))
    assert page.status_code == 200 and "purpose_surveys" in page.content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', page.content.decode()).group(1)

    def send(n):
        return client.post(
            reverse("customers:register"),
            {
                "kind": "individual",
                "full_name": "Lê Thị Mai",
                "email": f"mai{n}@example.vn",
                "phone_mobile": "0912345678",
                "address_home": "3 Hai Bà Trưng, Hà Nội",
                "submission_key": key,  # the same rendered form, corrected each time
            },
        )

    for n in range(3):
        assert send(n).status_code == 302
    assert send(2).status_code == 302  # a double click of the last: stored once
    assert send(3).status_code == 429  # a fourth form from this address in the minute
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert submissions_process_pending() == 3  # the worker's part
    assert Customer.objects.count() == 3 and Submission.objects.count() == 3
    assert Message.objects.filter(template="confirm_contact").count() == 3


@pytest.mark.redis
def test_a_my_data_link_opens_once_while_redis_is_down(client, seeded, settings, redis_url):
    """Links are spent in the database (issue 14): a Redis outage neither blocks a link nor
    lets a used one open again."""
    customer = CustomerFactory()
    path = reverse("customers:my_data_open", args=[my_data.link_token(customer)])
    settings.CACHES = redis_cache(NOTHING_LISTENS)
    assert client.post(path).status_code == 302  # the page's button spends the link
    again = client.post(path)
    assert again.status_code == 400 and "đã được sử dụng" in again.content.decode()
    settings.CACHES = redis_cache(redis_url)
    assert client.get(path).status_code == 400  # the page says so too, with no button


def test_a_database_outage_is_a_503_that_says_nothing_was_saved(rf):
    from django.db import OperationalError

    from privacysite.errors import server_error

    try:
        raise OperationalError("could not connect to server: Connection refused")
    except OperationalError:
        response = server_error(rf.post("/register/"))
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "chưa được ghi nhận" in response.content.decode()
    try:
        raise KeyError("anything else")
    except KeyError:
        assert server_error(rf.get("/")).status_code == 500
