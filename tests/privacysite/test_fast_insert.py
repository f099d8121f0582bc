"""The public POSTs' one INSERT, prepared on the server: the same row as Model.save()."""

import uuid

import pytest
from django.db import connection
from django.db.models.signals import post_save

from consents.models import CookieConsent
from customers.models import Submission
from privacysite import fast_insert

pytestmark = pytest.mark.django_db


def _prepared_inserts(table: str) -> int:
    """How many times this connection ran its prepared INSERT into ``table``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(generic_plans + custom_plans), 0) FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            [f'INSERT INTO "{table}"%'],
        )
        return cursor.fetchone()[0]


def test_a_prepared_insert_stores_what_save_would_encrypted_and_all(postgres):
    before = _prepared_inserts("customers_submission"), _prepared_inserts("consents_cookieconsent")
    submission = fast_insert.insert(
        Submission(form="register", data='{"email": "lan@example.vn"}', language="vi")
    )
    consent = fast_insert.insert(
        CookieConsent(
            consent_id=uuid.uuid4(), categories=["analytics", "necessary"], policy_version=3
        )
    )
    stored = Submission.objects.get(pk=submission.pk)
    assert stored.data == '{"email": "lan@example.vn"}' and stored.received_at is not None
    with connection.cursor() as cursor:  # encrypted at rest, as through the ORM
        cursor.execute("SELECT data FROM customers_submission WHERE id = %s", [submission.pk])
        assert "lan@example.vn" not in cursor.fetchone()[0]
    again = CookieConsent.objects.get(pk=consent.pk)
    assert (again.categories, again.policy_version, again.consent_id) == (
        ["analytics", "necessary"],
        3,
        consent.consent_id,
    )
    assert _prepared_inserts("customers_submission") == before[0] + 1
    assert _prepared_inserts("consents_cookieconsent") == before[1] + 1


def test_a_model_with_save_signals_goes_through_save(postgres):
    heard = []

    def receiver(sender, instance, created, **kwargs):
        heard.append(instance.pk)

    post_save.connect(receiver, sender=CookieConsent, dispatch_uid="test-fast-insert")
    try:
        consent = fast_insert.insert(
            CookieConsent(consent_id=uuid.uuid4(), categories=["necessary"], policy_version=1)
        )
    finally:
        post_save.disconnect(sender=CookieConsent, dispatch_uid="test-fast-insert")
    assert heard == [consent.pk]


def test_without_prepared_statements_it_is_save(settings, postgres, monkeypatch):
    before = _prepared_inserts("consents_cookieconsent")
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", {})
    consent = fast_insert.insert(
        CookieConsent(consent_id=uuid.uuid4(), categories=["necessary"], policy_version=1)
    )
    assert CookieConsent.objects.filter(pk=consent.pk).exists()
    assert _prepared_inserts("consents_cookieconsent") == before
