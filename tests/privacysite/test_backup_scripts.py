"""scripts/backup.sh and scripts/restore.sh, run as an operator would (issue 16.1 and 16.6).

Real PostgreSQL, real pg_dump/psql, a real media folder: a backup is private and complete, a
failed one is loud and deletes nothing, and a restore erases again whom the dump predates.
"""

import os
import stat
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, connections

from customers.consents.services.seed import consents_seed
from customers.models import Customer, DataRequest
from customers.requests.services import request_open
from customers.retention.erasure import customer_erase
from demo.factories import CustomerFactory

ROOT = Path(__file__).resolve().parents[2]


def database_url(name=None):
    db = connection.settings_dict
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name or db['NAME']}"


@pytest.fixture
def operator(postgres, transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    settings.ERASURE_JOURNAL = tmp_path / "journal" / "erasures.jsonl"
    consents_seed()
    env = {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "ERASURE_JOURNAL": str(settings.ERASURE_JOURNAL),
        "BACKUP_DIR": str(tmp_path / "backups"),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHON": str(ROOT / ".venv" / "bin" / "python"),
    }

    def run(script, *args, **extra):
        return subprocess.run(
            [str(ROOT / "scripts" / script), *args],
            env=env | extra,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )

    return run


def complaint_with_attachment(customer, name):
    request = request_open(customer=customer, kind="complaint", complaint_category="other")
    request.attachment.save(name, ContentFile(b"\x89PNG personal"))
    request.status = "answered"
    request.save()
    return Path(settings.MEDIA_ROOT) / request.attachment.name


def test_backup_is_private_complete_and_restore_erases_again(operator, tmp_path):
    erased_later = CustomerFactory(email="xoa-sau@example.vn")
    attachment = complaint_with_attachment(erased_later, "hoa-don.png")
    old = tmp_path / "backups" / "privacysite-20200101T000000Z"
    old.mkdir(parents=True)
    os.utime(old, (time.time() - 40 * 86400,) * 2)

    done = operator("backup.sh")
    assert done.returncode == 0, done.stderr
    (backup,) = (tmp_path / "backups").glob("privacysite-2*T*Z")
    assert not old.exists()  # pruned after the successful run
    assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o700
    for file in backup.iterdir():
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    assert {f.name for f in backup.iterdir()} == {"database.dump", "media.tar", "SHA256SUMS"}
    assert (
        "privacysite_backup_last_success 1"
        in (tmp_path / "backups" / "privacysite_backup.prom").read_text()
    )

    customer_erase(customer=erased_later, actor="system:test", trigger="request")
    assert not attachment.exists()
    newer = complaint_with_attachment(CustomerFactory(), "sau-ban-sao.png")  # after the dump

    connections.close_all()
    restored = operator("restore.sh", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "ERROR" not in restored.stderr and "error" not in restored.stderr.lower()
    assert "customers erased again: 1" in restored.stdout

    customer = Customer.objects.get(pk=erased_later.pk)
    assert customer.is_erased and customer.email == ""
    assert DataRequest.objects.get(customer=customer).attachment.name == ""
    assert not attachment.exists()  # put back by the media restore, deleted again
    assert not newer.exists()  # its row is not in the dump: nobody could erase it later


def test_restore_refuses_while_something_else_is_connected(operator, tmp_path):
    assert operator("backup.sh").returncode == 0
    (backup,) = (tmp_path / "backups").glob("privacysite-2*")
    CustomerFactory()  # this test's own connection stays open, like a running web node
    refused = operator("restore.sh", str(backup))
    assert refused.returncode == 1
    assert "stop web, worker and beat" in refused.stderr


def test_a_failed_backup_is_loud_and_deletes_no_old_backup(operator, tmp_path):
    old = tmp_path / "backups" / "privacysite-20200101T000000Z"
    old.mkdir(parents=True)
    os.utime(old, (time.time() - 40 * 86400,) * 2)
    failed = operator("backup.sh", DATABASE_URL=database_url("no_such_database_h16"))
    assert failed.returncode != 0
    assert "privacysite backup FAILED" in failed.stderr
    assert old.exists()
    assert not list((tmp_path / "backups").glob(".*partial"))
    assert (
        "privacysite_backup_last_success 0"
        in (tmp_path / "backups" / "privacysite_backup.prom").read_text()
    )


def test_a_restore_that_reads_a_new_journal_fails(operator, tmp_path, settings):
    """Issue 32, finding 1: the backup carries the journal's mark (written by backup.sh just
    before its dump); a journal started afresh since then cannot prove the erasures."""
    from privacysite import journal

    erased = CustomerFactory(email="xoa-roi@example.vn")
    assert operator("backup.sh").returncode == 0
    (backup,) = (tmp_path / "backups").glob("privacysite-2*")
    customer_erase(customer=erased, actor="system:test", trigger="request")
    settings.ERASURE_JOURNAL = tmp_path / "fresh" / "erasures.jsonl"
    journal.journal_open()

    connections.close_all()
    failed = operator("restore.sh", str(backup), ERASURE_JOURNAL=str(settings.ERASURE_JOURNAL))
    assert failed.returncode != 0
    assert "does not hold every entry up to this backup" in failed.stderr
    assert Customer.objects.get(pk=erased.pk).email == "xoa-roi@example.vn"  # said so, loudly
