"""The language switcher, from every public page, both ways, in Chromium: the same page comes
back in the other language (Vietnamese unprefixed, English under /en/)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    "/",
    "/register/",
    "/register/done/",
    "/service-request/",
    "/service-request/done/",
    "/references/",
    "/my-data/",
    "/privacy/",
    "/privacy/v1/",
    "/cookies/",
]


def switch_to(page, language):
    page.select_option("#language-select", language)
    page.locator("form[action$='/i18n/setlang/'] [type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_switching_language_keeps_the_page(live_server, page, seeded, path):
    base = live_server.url
    response = page.goto(base + path)
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "vi"

    switch_to(page, "en")
    assert page.url == base + "/en" + path
    assert page.locator("html").get_attribute("lang") == "en"

    switch_to(page, "vi")
    assert page.url == base + path
    assert page.locator("html").get_attribute("lang") == "vi"


def test_switching_keeps_the_query_string(live_server, page, seeded):
    base = live_server.url
    page.goto(base + "/register/?service=cloud")
    switch_to(page, "en")
    assert page.url == base + "/en/register/?service=cloud"
    switch_to(page, "vi")
    assert page.url == base + "/register/?service=cloud"
