"""Tampering with the access log is caught by verify_audit_log, with the first bad position
named: an edited entry, a removed tail (head rewritten to match), a removed start inside the
retention period (pruned position moved), index rows removed or added (issue 14, item 5)."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from customers.audit.services import (
    access_log,
    access_log_prune,
    access_log_seal,
    access_log_verify,
)
from customers.models import AccessLogEntry, AccessLogSubject, AuditChainHead
from demo.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def write(n, customers, **extra):
    for i in range(n):
        access_log(
            actor="system:test",
            action="view",
            customers=customers,
            fields=["email"],
            reason=f"r{i}",
            **extra,
        )


def seal_all():
    while access_log_seal():
        pass


def verify_command(capsys):
    try:
        call_command("verify_audit_log")
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, capsys.readouterr().err


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def old_then_new(customer):
    """Five entries from 800 days ago, pruned as the rule says; then ten of today."""
    with time_machine.travel(timezone.now() - datetime.timedelta(days=800), tick=False):
        write(5, [customer])
        seal_all()
    assert access_log_prune(before=timezone.now() - datetime.timedelta(days=750)) == 5
    write(10, [customer])
    seal_all()
    assert access_log_verify().ok


def test_an_untouched_log_with_a_pruned_start_verifies(capsys):
    old_then_new(CustomerFactory())
    code, err = verify_command(capsys)
    assert code == 0, err


def test_an_edited_entry_is_named(capsys):
    write(5, [CustomerFactory()])
    seal_all()
    third = AccessLogEntry.objects.get(seal_seq=3)
    sql("UPDATE customers_accesslogentry SET fields = '[\"name\"]' WHERE id = %s", [third.pk])
    result = access_log_verify()
    assert result.first_bad == 3
    code, err = verify_command(capsys)
    assert code == 1
    assert "(position 3) was changed after sealing" in err


def test_a_removed_tail_with_the_head_moved_back_is_named(capsys):
    write(6, [CustomerFactory()])
    seal_all()
    fourth = AccessLogEntry.objects.get(seal_seq=4)
    sql(
        "DELETE FROM customers_accesslogsubject WHERE entry_id IN "
        "(SELECT id FROM customers_accesslogentry WHERE seal_seq > 4)"
    )
    sql("DELETE FROM customers_accesslogentry WHERE seal_seq > 4")
    sql("UPDATE customers_auditchainhead SET seq = 4, hash = %s", [fourth.hash])
    result = access_log_verify()
    assert not result.ok
    assert result.first_bad == 5
    code, err = verify_command(capsys)
    assert code == 1
    assert "position 5" in err


def test_a_removed_start_inside_the_retention_period_is_named(capsys):
    customer = CustomerFactory()
    old_then_new(customer)
    # Remove today's first entries (positions 6..9: four of today's and nothing older) and move
    # the pruned position past them, as an intruder with database access would.
    ninth = AccessLogEntry.objects.get(seal_seq=9)
    sql(
        "DELETE FROM customers_accesslogsubject WHERE entry_id IN "
        "(SELECT id FROM customers_accesslogentry WHERE seal_seq <= 9)"
    )
    sql("DELETE FROM customers_accesslogentry WHERE seal_seq <= 9")
    sql("UPDATE customers_auditchainhead SET pruned_seq = 9, pruned_hash = %s", [ninth.hash])
    result = access_log_verify()
    assert not result.ok
    assert result.first_bad == 6
    code, err = verify_command(capsys)
    assert code == 1
    assert "position 6" in err


def test_pruning_entries_younger_than_the_retention_period_fails_verification(capsys):
    write(4, [CustomerFactory()])
    seal_all()
    # The application's own pruning, called with a cutoff that is too young.
    assert access_log_prune(before=timezone.now() + datetime.timedelta(seconds=1)) == 4
    seal_all()
    result = access_log_verify()
    assert not result.ok
    assert result.first_bad == 4  # the last position pruned under the too-young cutoff
    assert any("younger than the retention period" in p for p in result.problems)


def test_removed_index_rows_are_named(capsys):
    customer, other = CustomerFactory(), CustomerFactory()
    write(3, [customer])
    write(3, [customer, other])
    seal_all()
    fifth = AccessLogEntry.objects.get(seal_seq=5)
    AccessLogSubject.objects.filter(entry=fifth, customer=other).delete()
    AccessLogSubject.objects.filter(entry__seal_seq=6, customer=customer).delete()
    result = access_log_verify()
    assert not result.ok
    assert result.first_bad == 5
    code, err = verify_command(capsys)
    assert code == 1
    assert "by-customer index" in err and "position 5" in err


def test_added_index_rows_are_named(capsys):
    customer, other = CustomerFactory(), CustomerFactory()
    write(4, [customer])
    seal_all()
    AccessLogSubject.objects.create(entry=AccessLogEntry.objects.get(seal_seq=3), customer=other)
    code, err = verify_command(capsys)
    assert code == 1
    assert "by-customer index" in err and "position 3" in err


def test_a_duplicated_index_row_is_named():
    customer = CustomerFactory()
    write(3, [customer])
    seal_all()
    AccessLogSubject.objects.create(entry=AccessLogEntry.objects.get(seal_seq=2), customer=customer)
    result = access_log_verify()
    assert not result.ok
    assert result.first_bad == 2


def test_a_head_whose_signature_was_removed_fails():
    write(3, [CustomerFactory()])
    seal_all()
    AuditChainHead.objects.update(signature="")
    assert not access_log_verify().ok


def test_entries_of_every_shape_verify():
    """The canonical form read back (on PostgreSQL, as text straight from the server) is the
    one the sealer signed: no actor, an IPv6 address, whole seconds, non-ASCII reasons."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("nhanvien")
    customers = [CustomerFactory() for _ in range(3)]
    for micro in (0, 100000, 5):
        moment = datetime.datetime(2026, 1, 2, 3, 4, 5, micro, tzinfo=datetime.UTC)
        with time_machine.travel(moment, tick=False):
            access_log(actor="system:x", action="search", customers=customers[:1], fields=[])
            access_log(actor="system:x", action="search", customers=[], fields=["tên", "b"])
            seal_all()
    access_log(actor=user, action="view", customers=customers, fields=["phone", "email"])
    access_log(actor="system:x", action="export", ip_address="2001:db8::1", reason="Lý do: xem")
    access_log(actor="system:x", action="list", ip_address="192.0.2.7", reason='q " \\ \x1f')
    seal_all()
    result = access_log_verify()
    assert result.ok, result.problems
    assert result.checked == 9


@pytest.mark.django_db(transaction=True)
def test_the_index_is_compared_on_its_own_connection_outside_a_transaction(postgres):
    """As the command runs it (no transaction open): the comparison runs alongside the walk."""
    customer, other = CustomerFactory(), CustomerFactory()
    write(3, [customer])
    seal_all()
    assert access_log_verify().ok
    AccessLogSubject.objects.create(entry=AccessLogEntry.objects.get(seal_seq=2), customer=other)
    result = access_log_verify()
    assert result.first_bad == 2
    assert "the row for customer" in result.problems[0]
