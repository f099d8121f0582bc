"""The access log's tail cannot be cut by rolling the head back (issue 31, finding 2): every
seal anchors the head outside the database, and verify_audit_log compares by itself."""

import json

import pytest
from django.core.management import call_command
from django.db import connection

from customers.audit.services import access_log, access_log_seal
from customers.models import AccessLogSubject, AuditChainHead
from demo.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def write_and_seal(n, customer):
    for i in range(n):
        access_log(actor="system:test", action="view", customers=[customer], reason=f"r{i}")
    while access_log_seal():
        pass


def verify(capsys):
    try:
        call_command("verify_audit_log")
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, capsys.readouterr().err


def test_rolling_the_head_back_over_deleted_entries_is_caught(capsys):
    customer = CustomerFactory()
    write_and_seal(3, customer)
    saved = AuditChainHead.objects.values().get(pk=1)  # the attacker keeps the head row
    write_and_seal(4, customer)  # what they want gone
    with connection.cursor() as cursor:  # past the ORM's append-only guard, as with psql
        cursor.execute(
            "DELETE FROM customers_accesslogsubject WHERE entry_id IN "
            "(SELECT id FROM customers_accesslogentry WHERE seal_seq > %s)",
            [saved["seq"]],
        )
        cursor.execute("DELETE FROM customers_accesslogentry WHERE seal_seq > %s", [saved["seq"]])
    assert not AccessLogSubject.objects.filter(entry__seal_seq__gt=saved["seq"]).exists()
    AuditChainHead.objects.filter(pk=1).update(
        **{k: v for k, v in saved.items() if k not in ("id", "updated_at")}
    )
    code, err = verify(capsys)
    assert code == 1
    assert "removed from the end and the head rolled back" in err


def test_an_intact_log_verifies_and_every_seal_leaves_an_anchor(capsys, settings):
    customer = CustomerFactory()
    write_and_seal(2, customer)
    write_and_seal(2, customer)
    lines = [json.loads(line) for line in settings.ACCESS_LOG_ANCHORS.read_text().splitlines()]
    head = AuditChainHead.objects.get(pk=1)
    assert [a["seq"] for a in lines] == [2, 4] and lines[-1]["hash"] == head.hash
    assert verify(capsys) == (0, "")


def test_a_missing_anchor_file_fails_the_check(capsys, settings):
    write_and_seal(2, CustomerFactory())
    settings.ACCESS_LOG_ANCHORS.unlink()
    code, err = verify(capsys)
    assert code == 1 and "no anchor of the chain head" in err


def roll_back_over(customer, extra):
    """The review's attack: keep the head row, let ``extra`` entries seal, delete them and
    write the saved head back."""
    saved = AuditChainHead.objects.values().get(pk=1)
    write_and_seal(extra, customer)
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM customers_accesslogsubject WHERE entry_id IN "
            "(SELECT id FROM customers_accesslogentry WHERE seal_seq > %s)",
            [saved["seq"]],
        )
        cursor.execute("DELETE FROM customers_accesslogentry WHERE seal_seq > %s", [saved["seq"]])
    AuditChainHead.objects.filter(pk=1).update(
        **{k: v for k, v in saved.items() if k not in ("id", "updated_at")}
    )


def test_a_rolled_back_head_is_not_sealed_over_and_older_anchors_still_count(capsys, settings):
    """Waiting for the next seal does not bury the rollback: the sealer refuses to seal on a
    head behind its anchor, and verify reads every anchor since the last restore."""
    from customers.audit.chain import HeadNotSigned

    customer = CustomerFactory()
    write_and_seal(3, customer)
    roll_back_over(customer, 4)
    access_log(actor="system:test", action="view", customers=[customer], reason="later")
    with pytest.raises(HeadNotSigned):
        access_log_seal()
    # Even with a newer, lower anchor written by hand over the rolled-back head:
    head = AuditChainHead.objects.get(pk=1)
    from customers.audit.anchors import anchor_write

    anchor_write(seq=head.seq, hash=head.hash)
    code, err = verify(capsys)
    assert code == 1 and "rolled back" in err
