"""The access log is append-only, sealed into a chain, and tampering is caught."""

import multiprocessing

import pytest
from django.core.management import call_command
from django.db import connection, connections

from customers.audit.services import access_log, access_log_seal, access_log_verify
from customers.models import AccessLogEntry, AuditChainHead
from demo.factories import CustomerFactory
from privacysite.append_only import AppendOnlyError

pytestmark = pytest.mark.django_db


def write(n, customer):
    for i in range(n):
        access_log(
            actor="system:test",
            action="view",
            customers=[customer],
            fields=["email"],
            reason=f"r{i}",
        )


def verify_command():
    try:
        call_command("verify_audit_log")
    except SystemExit as exit_:
        return exit_.code
    return 0


def test_entries_cannot_be_changed_or_deleted_through_the_orm():
    entry = access_log(actor="system:test", action="view", customers=[CustomerFactory()])
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().delete()
    entry.reason = "x"
    with pytest.raises(AppendOnlyError):
        entry.save()


def test_sealed_chain_verifies_and_sealing_twice_changes_nothing(capsys):
    write(7, CustomerFactory())
    assert access_log_seal(batch=3) == 3
    assert access_log_seal() == 4
    assert access_log_seal() == 0
    assert list(AccessLogEntry.objects.order_by("seal_seq").values_list("seal_seq", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
        6,
        7,
    ]
    assert verify_command() == 0
    assert "Access log intact: 7 entries" in capsys.readouterr().out


def tamper(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_row_edited_in_sql_is_caught(capsys):
    write(5, CustomerFactory())
    access_log_seal()
    third = AccessLogEntry.objects.get(seal_seq=3)
    tamper(
        "UPDATE customers_accesslogentry SET reason = 'nothing to see' WHERE id = %s", [third.pk]
    )
    assert verify_command() == 1
    assert f"entry id {third.pk} (position 3) was changed after sealing" in capsys.readouterr().err


def test_a_row_deleted_in_sql_is_caught(capsys):
    write(5, CustomerFactory())
    access_log_seal()
    tamper("DELETE FROM customers_accesslogsubject", [])
    tamper("DELETE FROM customers_accesslogentry WHERE seal_seq = 2", [])
    assert verify_command() == 1
    assert "position 2 is missing" in capsys.readouterr().err


def test_rows_removed_from_the_end_are_caught(capsys):
    write(4, CustomerFactory())
    access_log_seal()
    tamper("DELETE FROM customers_accesslogsubject", [])
    tamper("DELETE FROM customers_accesslogentry WHERE seal_seq = 4", [])
    assert verify_command() == 1
    assert "entries were removed from the end" in capsys.readouterr().err


def test_a_back_dated_row_is_caught(capsys):
    write(2, CustomerFactory())
    access_log_seal()
    entry = access_log(actor="system:test", action="view", customers=[])
    tamper(
        "UPDATE customers_accesslogentry SET at = at - interval '1 day' WHERE id = %s"
        if connection.vendor == "postgresql"
        else "UPDATE customers_accesslogentry SET at = datetime(at, '-1 day') WHERE id = %s",
        [entry.pk],
    )
    access_log_seal()
    assert verify_command() == 1
    assert "written after the fact" in capsys.readouterr().err


def test_a_rewritten_table_is_caught_against_the_daily_digest(capsys):
    write(3, CustomerFactory())
    access_log_seal()
    head = AuditChainHead.objects.get()
    digest = f"{head.seq}:{head.hash}"
    tamper("UPDATE customers_accesslogentry SET hash = 'forged' WHERE seal_seq = 3", [])
    try:
        call_command("verify_audit_log", expect_head=digest)
    except SystemExit as exit_:
        assert exit_.code == 1
    assert "the log was rewritten" in capsys.readouterr().err


def _writer(count, customer_id):
    connections.close_all()
    for i in range(count):
        access_log(actor="system:writer", action="view", customers=[customer_id], reason=str(i))
    connections.close_all()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_sealers_neither_fork_the_chain_nor_lose_entries(postgres):
    customer = CustomerFactory()
    connections.close_all()
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_writer, args=(200, customer.pk)) for _ in range(6)]
    sealers = [context.Process(target=_seal_loop) for _ in range(2)]
    for process in writers + sealers:
        process.start()
    for process in writers + sealers:
        process.join(60)
        assert process.exitcode == 0
    while access_log_seal():
        pass
    assert AccessLogEntry.objects.count() == 1200
    assert AccessLogEntry.objects.filter(seal_seq__isnull=True).count() == 0
    result = access_log_verify()
    assert result.ok, result.problems
    assert result.checked == 1200


def _seal_loop():
    connections.close_all()
    for _ in range(30):
        access_log_seal(batch=50)
    connections.close_all()


def test_entries_past_their_period_leave_from_the_start_and_the_rest_still_verifies(capsys):
    import datetime

    import time_machine
    from django.utils import timezone

    from customers.audit.services import access_log_prune

    customer = CustomerFactory()
    old = timezone.now() - datetime.timedelta(days=800)
    with time_machine.travel(old, tick=False):
        write(5, customer)
        access_log_seal()
    write(3, customer)
    access_log_seal()
    cutoff = timezone.now() - datetime.timedelta(days=730)

    assert access_log_prune(before=cutoff, batch=2) == 5
    assert access_log_prune(before=cutoff) == 0  # a second run removes nothing
    assert list(AccessLogEntry.objects.values_list("seal_seq", flat=True).order_by("seal_seq")) == [
        6,
        7,
        8,
    ]
    assert customer.access_log.count() == 3
    assert verify_command() == 0
    assert "Access log intact: 3 entries" in capsys.readouterr().out
    # Pruning does not open a door: a remaining entry changed is still caught.
    tamper("UPDATE customers_accesslogentry SET reason = 'x' WHERE seal_seq = 7", [])
    assert verify_command() == 1
