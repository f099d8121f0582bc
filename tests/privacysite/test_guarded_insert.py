"""The public forms' guarded INSERT: the same row as Model.save(), and its two guards, on
PostgreSQL in the statement itself and on SQLite in a transaction."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.models import Submission
from privacysite.guarded_insert import insert_guarded, insert_guarded_in_transaction

pytestmark = pytest.mark.django_db


def submission(key, sender="s1", email="lan@example.vn"):
    return Submission(
        form="register",
        data=f'{{"email": "{email}"}}',
        language="vi",
        submission_key=key,
        sender_index=sender,
    )


@pytest.fixture(params=["on this database", "in a transaction"])
def guarded(request):
    """``insert_guarded`` as this database runs it (one statement on PostgreSQL), and the
    transaction that other databases use, so that CI on PostgreSQL covers both."""
    function = (
        insert_guarded if request.param == "on this database" else insert_guarded_in_transaction
    )

    def insert(obj, limit=3):
        return function(
            obj,
            key="submission_key",
            group="sender_index",
            since="received_at",
            after=timezone.now() - timedelta(minutes=10),
            limit=limit,
        )

    return insert


def test_it_stores_what_save_would_encrypted_and_all(guarded):
    stored = guarded(submission("k1"))
    again = Submission.objects.get(pk=stored.pk)
    assert again.data == '{"email": "lan@example.vn"}' and again.received_at is not None
    assert not stored._state.adding  # a saved instance, as save() leaves it
    with connection.cursor() as cursor:  # encrypted at rest, as through the ORM
        cursor.execute("SELECT data FROM customers_submission WHERE id = %s", [stored.pk])
        assert "lan@example.vn" not in cursor.fetchone()[0]


def test_the_same_key_is_stored_once_and_the_limit_holds_per_sender(guarded):
    assert guarded(submission("k1")) is not None
    assert guarded(submission("k1")) is None  # a double click
    assert guarded(submission("k2")) is not None
    assert guarded(submission("k3")) is not None
    assert guarded(submission("k4")) is None  # the fourth within the window
    assert guarded(submission("k5", sender="s2")) is not None  # another sender
    assert Submission.objects.filter(sender_index="s1").count() == 3


@pytest.mark.postgres
def test_on_postgresql_it_is_one_statement(postgres):
    with CaptureQueriesContext(connection) as queries:
        insert_guarded(
            submission("k1"),
            key="submission_key",
            group="sender_index",
            since="received_at",
            after=timezone.now() - timedelta(minutes=10),
            limit=3,
        )
    assert [q["sql"].split()[0] for q in queries] == ["INSERT"]


def test_a_model_with_save_signals_is_refused():
    post_save.connect(
        lambda **kwargs: None, sender=Submission, weak=False, dispatch_uid="test-guarded"
    )
    try:
        with pytest.raises(TypeError, match="save signals"):
            insert_guarded(
                submission("k1"),
                key="submission_key",
                group="sender_index",
                since="received_at",
                after=timezone.now(),
                limit=3,
            )
    finally:
        post_save.disconnect(sender=Submission, dispatch_uid="test-guarded")
    assert not Submission.objects.exists()
