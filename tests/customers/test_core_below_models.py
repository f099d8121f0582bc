"""customers.core stands below the models (docs/design.md, "The import rule"): it names them
through the app registry, and the one value it spells out must stay the model's."""

from django.db.models import Q

from customers.core.selectors import UNCONFIRMED_WEB_REGISTRATION, model
from customers.models import Customer


def test_the_registry_gives_the_models_themselves():
    assert model("Customer") is Customer


def test_the_unconfirmed_web_registration_names_the_web_form_source():
    expected = Q(source=Customer.Source.WEB_FORM, contact_confirmed_at__isnull=True)
    assert expected == UNCONFIRMED_WEB_REGISTRATION
    assert dict(UNCONFIRMED_WEB_REGISTRATION.children)["source"] == Customer.Source.WEB_FORM.value
