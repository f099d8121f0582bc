"""A restored backup keeps the promises made after its dump (issue 16.1).

Real PostgreSQL, real pg_dump and pg_restore: register, dump, erase and withdraw, restore the
dump over the database, run ``after_restore``: the erased customer is erased again (with a
certificate), the withdrawn consent is withdrawn again, and nobody else is touched.
"""

import json
import shutil
import subprocess

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

from customers.consents.models import ConsentState, Purpose
from customers.consents.services.ledger import consent_grant, consent_withdraw
from customers.consents.services.seed import consents_seed
from customers.models import Customer, ErasureCertificate
from customers.requests.services import request_open
from customers.retention.erasure import customer_erase
from customers.retention.journal_marks import journal_mark
from demo.factories import CustomerFactory
from privacysite import journal


def pg_env():
    db = connection.settings_dict
    return {
        "PGHOST": db["HOST"] or "127.0.0.1",
        "PGPORT": str(db["PORT"] or 5432),
        "PGUSER": db["USER"] or "postgres",
        "PGPASSWORD": db["PASSWORD"] or "",
        "PGDATABASE": db["NAME"],
        "PATH": "/usr/bin:/bin",
    }


def pg_dump(path):
    subprocess.run(["pg_dump", "--format=custom", f"--file={path}"], env=pg_env(), check=True)


def pg_restore_over_live_database(path):
    connections.close_all()
    subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={pg_env()['PGDATABASE']}",
            str(path),
        ],
        env=pg_env(),
        check=True,
        capture_output=True,
    )


@pytest.fixture
def restorable(postgres, transactional_db, settings, tmp_path):
    settings.ERASURE_JOURNAL = tmp_path / "journal" / "erasures.jsonl"
    settings.MEDIA_ROOT = tmp_path / "media"
    consents_seed()
    journal_mark()  # as setup_site does on a new install: the journal opened, and marked
    return tmp_path


def journal_files():
    """The local journal: a folder of one file per entry, beside ERASURE_JOURNAL's name."""
    return sorted(settings.ERASURE_JOURNAL.with_suffix("").iterdir())


def test_restore_then_after_restore_erases_again_whom_the_dump_predates(restorable, capsys):
    erased_later = CustomerFactory(email="sap-xoa@example.vn")
    kept = CustomerFactory(email="con-lai@example.vn")
    marketing = Purpose.objects.get(code="marketing_email")
    consent_grant(customer=kept, purpose=marketing, channel="web_form")
    pg_dump(restorable / "nightly.dump")

    customer_erase(customer=erased_later, actor="system:test", trigger="request")
    consent_withdraw(customer=kept, purpose=marketing, channel="unsubscribe")
    lost = request_open(customer=kept, kind="access")
    lines = [file.read_text() for file in journal_files()]
    assert "sap-xoa" not in "".join(lines) and "@" not in "".join(lines)  # ids only
    kinds = [json.loads(line)["kind"] for line in lines]
    assert kinds == ["opened", "erasure", "withdrawal", "request"]
    assert {oct(file.stat().st_mode & 0o777) for file in journal_files()} == {"0o600"}

    pg_restore_over_live_database(restorable / "nightly.dump")
    # What the issue found: the restored copy has the customer back, and consent granted.
    assert Customer.objects.get(pk=erased_later.pk).email == "sap-xoa@example.vn"
    assert not ErasureCertificate.objects.filter(customer_id=erased_later.pk).exists()
    assert ConsentState.objects.get(customer=kept, purpose=marketing).granted

    from customers.models import Message, RecipientNotice

    messages_before = Message.objects.count()
    notices_before = RecipientNotice.objects.count()
    call_command("after_restore")
    out = capsys.readouterr().out
    assert "customers erased again: 1" in out
    # Told once, when it happened: the restore repeats nothing to the customer or recipients
    # (issue 32, finding 8).
    assert Message.objects.count() == messages_before
    assert RecipientNotice.objects.count() == notices_before
    assert f"request {lost.reference} (access" in out and f"customer #{kept.pk}" in out

    again = Customer.objects.get(pk=erased_later.pk)
    assert again.is_erased and again.email == "" and again.email_index == ""
    assert ErasureCertificate.objects.get(customer_id=erased_later.pk).trigger == "request"
    assert not ConsentState.objects.get(customer=kept, purpose=marketing).granted
    assert Customer.objects.get(pk=kept.pk).email == "con-lai@example.vn"

    # A second run is harmless.
    call_command("after_restore")
    assert "customers erased again: 0" in capsys.readouterr().out


def test_an_id_reused_after_the_restore_is_not_mistaken_for_the_erased_customer(restorable):
    newcomer = CustomerFactory()
    # The journal's customer had this id in a newer database, created at another moment.
    journal.journal_erasures(
        [(newcomer.pk, newcomer.created_at.replace(year=2020))], trigger="staff"
    )
    call_command("after_restore")
    assert not Customer.objects.get(pk=newcomer.pk).is_erased


def test_a_line_cut_short_by_a_crash_is_skipped_and_the_rest_is_read(restorable):
    journal.journal_append("erasure", trigger="staff", customers=[[1, "2026-01-01T00:00:00+00:00"]])
    last = journal_files()[-1]
    last.with_name("99991231T000000.000000Z-erasure-cut.json").write_text('{"kind":"erasure","cu')
    assert [e["kind"] for e in journal.journal_read()] == ["opened", "erasure"]


def test_an_erasure_that_cannot_be_journalled_does_not_happen(restorable, settings):
    customer = CustomerFactory()
    settings.ERASURE_JOURNAL = restorable / "not-a-folder" / "erasures.jsonl"
    (restorable / "not-a-folder").write_text("a file where the folder should be")
    with pytest.raises(OSError):
        customer_erase(customer=customer, actor="system:test", trigger="staff")
    assert not Customer.objects.get(pk=customer.pk).is_erased


def test_backfill_journals_erasures_and_withdrawals_made_before_the_journal(restorable):
    erased, kept = CustomerFactory(), CustomerFactory()
    marketing = Purpose.objects.get(code="marketing_email")
    consent_grant(customer=kept, purpose=marketing, channel="web_form")
    consent_withdraw(customer=kept, purpose=marketing, channel="preferences")
    customer_erase(customer=erased, actor="system:test", trigger="inactivity")
    shutil.rmtree(settings.ERASURE_JOURNAL.with_suffix(""))  # as on an install older than it

    call_command("journal_backfill")
    entries = list(journal.journal_read())
    assert [(e["kind"], e.get("trigger")) for e in entries] == [
        ("erasure", "inactivity"),
        ("withdrawal", None),
    ]
    assert entries[0]["customers"][0][0] == erased.pk
    assert entries[1]["customer"][0] == kept.pk and entries[1]["purpose"] == "marketing_email"


def test_after_a_change_of_index_key_a_restored_backup_finds_its_customers_again(
    restorable, settings, capsys
):
    """Issue 32, finding 3: a dump from before a BLIND_INDEX_KEY change holds indexes under
    the old key; after_restore writes them again, and search finds everyone."""
    from customers.core.selectors import customers_matching

    settings.BLIND_INDEX_KEY = "the-key-the-backup-was-indexed-with-0123456789"
    customers = [
        CustomerFactory(email=f"khach{i}@example.vn", phone_mobile=f"091234567{i}")
        for i in range(3)
    ]
    settings.BLIND_INDEX_KEY = "the-key-in-force-after-the-rotation-0123456789"
    assert not customers_matching("khach0@example.vn").exists()  # what the review found

    call_command("after_restore")
    assert "customers re-indexed with the current BLIND_INDEX_KEY: 3" in capsys.readouterr().out
    for i, customer in enumerate(customers):
        assert list(customers_matching(f"khach{i}@example.vn")) == [customer]
        assert list(customers_matching(f"0912 345 67{i}")) == [customer]


def test_a_restore_without_its_journal_fails_and_changes_nothing(restorable, settings):
    """Issue 32, finding 1: a missing journal used to end in "promises kept", with the
    erased customers back."""
    from django.core.management.base import CommandError

    erased = CustomerFactory(email="da-xoa@example.vn")
    pg_dump(restorable / "nightly.dump")
    customer_erase(customer=erased, actor="system:test", trigger="request")
    pg_restore_over_live_database(restorable / "nightly.dump")
    settings.ERASURE_JOURNAL = restorable / "elsewhere" / "erasures.jsonl"  # not this machine's
    with pytest.raises(CommandError, match="The erasure journal is missing"):
        call_command("after_restore")
    assert Customer.objects.get(pk=erased.pk).email == "da-xoa@example.vn"  # says so, loudly


def test_a_new_empty_journal_after_the_dump_fails_the_restore(restorable, settings):
    """Issue 32, finding 1: a journal started afresh (or another machine's) holds none of the
    erasures since the dump; the backup's mark says which journal it needs, and how far."""
    from django.core.management.base import CommandError

    erased = CustomerFactory(email="da-xoa@example.vn")
    pg_dump(restorable / "nightly.dump")
    customer_erase(customer=erased, actor="system:test", trigger="request")
    right = settings.ERASURE_JOURNAL
    pg_restore_over_live_database(restorable / "nightly.dump")

    settings.ERASURE_JOURNAL = restorable / "new" / "erasures.jsonl"
    journal.journal_open()  # a new, empty journal: it exists, and proves nothing
    with pytest.raises(CommandError, match="does not hold every entry up to this backup"):
        call_command("after_restore")
    assert Customer.objects.get(pk=erased.pk).email == "da-xoa@example.vn"  # nothing changed

    settings.ERASURE_JOURNAL = right
    call_command("after_restore")
    assert Customer.objects.get(pk=erased.pk).is_erased


def test_a_journal_cut_short_before_the_backups_mark_fails_the_restore(restorable, capsys):
    from django.core.management.base import CommandError

    first, second = CustomerFactory(), CustomerFactory()
    customer_erase(customer=first, actor="system:test", trigger="staff")
    customer_erase(customer=second, actor="system:test", trigger="staff")
    call_command("journal_mark")  # as scripts/backup.sh does just before its dump
    pg_dump(restorable / "nightly.dump")
    pg_restore_over_live_database(restorable / "nightly.dump")
    journal_files()[1].unlink()  # the first erasure's entry is gone from the journal

    with pytest.raises(CommandError, match="does not hold every entry up to this backup"):
        call_command("after_restore")


def test_a_backup_older_than_the_marks_is_refused_unless_the_operator_vouches(restorable, capsys):
    """A dump written before marks existed cannot prove its journal: refused, and applied
    only with --without-mark (docs/operations.md, Backups and restore)."""
    from django.core.management.base import CommandError

    from customers.models import JournalMark

    erased = CustomerFactory()
    JournalMark.objects.all().delete()  # as in a dump of an earlier version
    pg_dump(restorable / "old.dump")
    customer_erase(customer=erased, actor="system:test", trigger="staff")
    pg_restore_over_live_database(restorable / "old.dump")

    with pytest.raises(CommandError, match="records no journal mark"):
        call_command("after_restore")
    assert not Customer.objects.get(pk=erased.pk).is_erased
    call_command("after_restore", "--without-mark")
    assert Customer.objects.get(pk=erased.pk).is_erased
    assert JournalMark.objects.exists()  # the next restore of this database can prove it
