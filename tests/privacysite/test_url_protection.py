"""Every staff URL needs a signed-in, TOTP-verified staff member; every public URL that
shows personal data needs a valid signed token or the my-data cookie."""

import re

import pytest
from django.urls import reverse
from django.urls.resolvers import URLPattern, URLResolver

from demo.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def admin_paths():
    """Every admin URL, with 1 for each argument (an object that need not exist)."""
    paths = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                paths.append(route)

    from django.contrib import admin as django_admin

    walk(django_admin.site.get_urls(), "/admin/")
    concrete = set()
    for route in paths:
        route = route.replace("^", "").replace("$", "")
        route = re.sub(r"<[^>]+>", "1", route)
        route = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", route)
        if "(" in route or "\\" in route:
            continue
        concrete.add(route)
    return sorted(concrete)


OPEN = {
    "/admin/login/",
    "/admin/logout/",
    "/admin/otp/",
    "/admin/agreement/",
    "/admin/password_reset/",
}


def test_there_are_many_admin_urls_to_check():
    assert len(admin_paths()) > 100


@pytest.mark.parametrize("verified", [False, True], ids=["anonymous", "password-only"])
def test_no_admin_page_answers_without_a_verified_staff_member(client, staff_user, verified):
    if verified:
        client.force_login(staff_user(superuser=True))  # password only, no TOTP yet
    for path in admin_paths():
        if path in OPEN or path.startswith("/admin/r/"):
            continue
        response = client.get(path)
        assert response.status_code in (302, 404), (path, response.status_code)
        if response.status_code == 302:
            assert re.search(r"/admin/(login|otp)/", response["Location"]), path


def test_public_pages_with_personal_data_need_a_token_or_the_cookie(client, seeded):
    customer = CustomerFactory(full_name="Nguyễn Bảo Mật", email="bm@example.vn")
    for name in [
        "my_data_overview",
        "my_data_json",
        "my_data_html",
        "my_data_correct",
        "my_data_delete",
        "my_data_object",
        "my_data_complain",
    ]:
        response = client.get(reverse(f"customers:{name}"))
        assert response.status_code == 403, name
        assert customer.full_name not in response.content.decode()
    for name in [
        "consents:preferences",
        "consents:unsubscribe",
        "customers:my_data_open",
        "customers:confirm",
    ]:
        response = client.get(reverse(name, args=["forged:token:value"]))
        assert response.status_code in (200, 400), name
        assert customer.full_name not in response.content.decode()
        assert customer.email not in response.content.decode()
