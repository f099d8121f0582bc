"""Small things a customer or a staff member notices (issue 33, "Dates and the customer's copy"):
an individual is not asked about business fields; preferences reached from the data page lead
back to it; a business's required fields are starred; the example tax code is a valid one;
phones read one way in the customer list."""

import re

from django.urls import reverse
from stdnum.vn import mst

from customers.consents.tokens import preferences_token
from customers.core.roles import Role
from customers.models import Customer
from customers.requests import my_data
from demo.factories import CustomerFactory
from tests.conftest import login_staff
from tests.privacysite.plain_language import visible_text


def open_my_data(client, customer):
    client.post(reverse("customers:my_data_open", args=[my_data.link_token(customer)]))


def test_an_individual_sees_no_business_fields_and_a_business_does(client, seeded):
    person = CustomerFactory(kind=Customer.Kind.INDIVIDUAL, business_name="", tax_code="")
    open_my_data(client, person)
    html = client.get(reverse("customers:my_data_correct")).content.decode()
    assert 'name="tax_code"' not in html and 'name="business_name"' not in html
    assert 'name="full_name"' in html
    # Sending the form without them changes nothing that belongs to a business.
    response = client.get(reverse("customers:my_data_overview"))
    assert response.status_code == 200

    client.cookies.clear()
    firm = CustomerFactory(
        kind=Customer.Kind.BUSINESS, business_name="Công ty TNHH Sao Mai", tax_code="0101234565"
    )
    open_my_data(client, firm)
    html = client.get(reverse("customers:my_data_correct")).content.decode()
    assert 'name="tax_code"' in html and 'name="business_name"' in html


def test_preferences_show_the_reference_purpose_only_to_a_business(client, seeded):
    person = CustomerFactory(kind=Customer.Kind.INDIVIDUAL)
    html = client.get(reverse("consents:preferences", args=[preferences_token(person)]))
    assert 'name="purpose_reference"' not in html.content.decode()
    firm = CustomerFactory(kind=Customer.Kind.BUSINESS, business_name="Công ty TNHH Sao Mai")
    html = client.get(reverse("consents:preferences", args=[preferences_token(firm)]))
    assert 'name="purpose_reference"' in html.content.decode()


def test_preferences_reached_from_the_data_page_lead_back_to_it(client, seeded):
    person = CustomerFactory(kind=Customer.Kind.INDIVIDUAL)
    open_my_data(client, person)
    overview = client.get(reverse("customers:my_data_overview")).content.decode()
    link = re.search(r'href="([^"]*/preferences/[^"]*)"', overview).group(1)
    page = client.get(link.replace("&amp;", "&")).content.decode()
    assert f'href="{reverse("customers:my_data_overview")}"' in page
    # From an email (no data page behind it), no such link.
    page = client.get(reverse("consents:preferences", args=[preferences_token(person)]))
    assert f'href="{reverse("customers:my_data_overview")}"' not in page.content.decode()


def test_a_businesss_required_fields_are_starred_and_the_example_tax_code_is_valid(client, seeded):
    html = client.get(reverse("customers:register")).content.decode()
    for name in ("business_name", "tax_code"):
        label = re.search(rf'<label[^>]*for="id_{name}"[^>]*>(.*?)</label>', html, re.S).group(1)
        assert "*" in label, name
        assert re.search(rf'<input[^>]*name="{name}"[^>]*aria-required="true"', html), name
    examples = re.findall(r"\b\d{10}(?:-\d{3})?\b", visible_text(html))
    assert examples and all(mst.is_valid(code) for code in examples), examples


def test_phones_read_one_way_in_the_customer_list(client, seeded, staff_user):
    CustomerFactory(full_name="Lê Văn Một", phone_mobile="0912345678")
    CustomerFactory(full_name="Lê Văn Hai", phone_mobile="0912 345 679")
    sales = login_staff(client, staff_user(role=Role.SALES.value, username="kinhdoanh"))
    text = visible_text(sales.get(reverse("admin:customers_customer_changelist")).content.decode())
    assert "0912 345 678" in text and "0912 345 679" in text
    assert "0912345678" not in text


def test_sending_the_correction_form_unchanged_asks_for_no_correction(client, seeded):
    # Phones stored as typed (0912345678) come back from the form as 0912 345 678.
    person = CustomerFactory(kind=Customer.Kind.INDIVIDUAL, phone_mobile="0912345678")
    open_my_data(client, person)
    form = client.get(reverse("customers:my_data_correct")).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    response = client.post(reverse("customers:my_data_correct"), data)
    assert response.status_code == 200
    assert "Bạn chưa thay đổi thông tin nào." in response.content.decode()
    assert not person.requests.exists()
