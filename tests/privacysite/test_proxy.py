"""Behind the sample nginx (TRUSTED_PROXIES=1) every client keeps its own address: staff
lock-outs, public rate limits and the agreement's evidence all use it (issue 16.3, 14.6).

Requests come as nginx sends them: REMOTE_ADDR 127.0.0.1 and the client in X-Forwarded-For.
"""

import ipaddress
import re

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from customers.core.roles import Role
from customers.models import AgreementAcceptance
from privacysite.http import truncated_ip
from tests.conftest import login_staff

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-2026"
NGINX = "127.0.0.1"
ATTACKER, COLLEAGUE = "203.0.113.9", "198.51.100.7"


def through_proxy(address):
    return {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": address}


@pytest.fixture(autouse=True)
def behind_nginx(settings):
    settings.TRUSTED_PROXIES = 1


def test_wrong_passwords_from_one_address_do_not_lock_out_the_staff_member_elsewhere(
    client, staff_user
):
    staff_user(role=Role.SALES.value, username="lan")
    login = reverse("admin:login")
    for _ in range(5):
        client.post(login, {"username": "lan", "password": "wrong"}, **through_proxy(ATTACKER))
    locked = client.post(
        login, {"username": "lan", "password": PASSWORD}, **through_proxy(ATTACKER)
    )
    assert locked.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}

    client.cookies.clear()
    signed_in = client.post(
        login, {"username": "lan", "password": PASSWORD}, **through_proxy(COLLEAGUE)
    )
    assert signed_in.status_code == 302  # Lan at her own desk signs in


def test_public_rate_limit_counts_each_client_not_the_proxy(client, seeded, settings):
    settings.FORM_RATE_LIMIT = "2/m"
    url = reverse("customers:register")

    def post(address):
        page = client.get(url, **through_proxy(address)).content.decode()
        key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
        return client.post(
            url,
            {
                "kind": "individual",
                "full_name": "Lê Thị Mai",
                "email": f"mai{address}@example.vn",
                "phone_mobile": "0912345678",
                "address_home": "3 Hai Bà Trưng, Hà Nội",
                "submission_key": key,
            },
            **through_proxy(address),
        ).status_code

    assert [post(ATTACKER) for _ in range(3)] == [302, 302, 429]
    assert post(COLLEAGUE) == 302  # someone else is not in the first client's bucket


def test_agreement_records_the_signers_address_not_the_proxys(client, staff_user):
    user = staff_user(role=Role.SALES.value, username="lan")
    login_staff(client, user, accept_agreement=False)
    client.post(reverse("admin:agreement"), {"accept": "yes"}, **through_proxy(COLLEAGUE))
    assert AgreementAcceptance.objects.get(user=user).ip_address == COLLEAGUE


@given(st.ip_addresses())
def test_the_stored_address_keeps_only_its_network_part(address):
    """A cookie choice's proof keeps the /24 of an IPv4 address and the /48 of an IPv6 one,
    never the host part."""
    prefix = 24 if address.version == 4 else 48
    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    assert truncated_ip(str(address)) == str(network.network_address)


def test_an_address_that_is_not_one_is_stored_as_nothing():
    assert truncated_ip("unknown") == ""
    assert truncated_ip("") == ""
