import pytest
from rest_framework.test import APIClient

from api.models import Scope
from api.services.clients import api_client_create
from customers.consents.models import Purpose
from customers.consents.services.ledger import consent_grant, consent_withdraw


@pytest.fixture
def make_client(db):
    """``make_client(*scopes, name=..., rate=...)``: a new API client and its key."""
    counter = {"n": 0}

    def make(*scopes, name=None, rate=600):
        counter["n"] += 1
        return api_client_create(
            name=name or f"system-{counter['n']}",
            scopes=scopes or Scope.values,
            rate_per_minute=rate,
            actor="test",
        )

    return make


@pytest.fixture
def call():
    """``call(key, method, path, json=None, lang=None)``: an HTTP call with the key."""

    def do(key, method, path, json=None, lang=None, **extra):
        client = APIClient()
        headers = {}
        if key is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        if lang:
            headers["HTTP_ACCEPT_LANGUAGE"] = lang
        return getattr(client, method)(path, json, format="json", **headers, **extra)

    return do


@pytest.fixture
def purposes(seeded):
    return {p.code: p for p in Purpose.objects.all()}


def grant(customer, purpose, channel="web_form"):
    return consent_grant(customer=customer, purpose=purpose, channel=channel)


def withdraw(customer, purpose):
    return consent_withdraw(customer=customer, purpose=purpose, channel="preferences")
