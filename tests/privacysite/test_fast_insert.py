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


@pytest.mark.django_db(transaction=True)
def test_a_prepared_statement_replaces_a_dead_connection_with_health_checks_on(
    postgres, monkeypatch
):
    """With CONN_HEALTH_CHECKS on, a connection PostgreSQL dropped between two requests is
    replaced before the next statement, as Django's own cursor() does."""
    import psycopg

    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", True)
    connection.close()
    connection.ensure_connection()
    try:
        params = connection.get_connection_params()
        with psycopg.connect(
            host=params.get("host"),
            port=params.get("port"),
            user=params.get("user"),
            dbname=params["dbname"],
            autocommit=True,
        ) as other:
            other.execute(
                "SELECT pg_terminate_backend(%s, 5000)", [connection.connection.info.backend_pid]
            )
        connection.health_check_done = False  # a new request (close_old_connections)
        consent = fast_insert.insert(
            CookieConsent(consent_id=uuid.uuid4(), categories=["necessary"], policy_version=1)
        )
        assert CookieConsent.objects.filter(pk=consent.pk).exists()
    finally:
        CookieConsent.objects.all().delete()
        connection.close()


def test_models_the_prepared_insert_cannot_mirror_go_through_save():
    from django.db import models as m

    from privacysite.fast_insert import _plain

    assert _plain(CookieConsent) and _plain(Submission)
    from consents.models import ConsentEvent  # a column the database defaults
    from customers.models import Customer  # its own save()

    assert not _plain(ConsentEvent)
    assert not _plain(Customer) or Customer.save is m.Model.save
