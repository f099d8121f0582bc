"""The erasure journal every node shares (issue 32, finding 2).

One entry is one object (or one file in the local folder of ``make run``), named by its time
and a unique part, so that writers on different machines never overwrite each other and a
restore reads the whole journal by listing it. The shared store is moto's S3 server on a
local port, spoken to by django-storages and boto3 over HTTP as a real endpoint would be.
"""

import datetime
import json
import multiprocessing
import stat

import environ
import pytest

from privacysite import journal
from privacysite.media_settings import journal_storage

BUCKET = "privacysite-journal"


@pytest.fixture
def object_store(settings, monkeypatch):
    """An empty bucket (moto keeps its buckets for the whole process: emptied at the end)."""
    boto3 = pytest.importorskip("boto3")
    server_module = pytest.importorskip("moto.server")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for name, value in {
        "ERASURE_JOURNAL_URL": f"s3://{BUCKET}/journal",
        "MEDIA_S3_ENDPOINT_URL": endpoint,
        "MEDIA_S3_REGION": "us-east-1",
        "MEDIA_S3_ACCESS_KEY": "test",
        "MEDIA_S3_SECRET_KEY": "test",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, "journal": journal_storage(environ.Env())}
    yield client, server
    for key in keys(client) if BUCKET in _buckets(client) else []:
        client.delete_object(Bucket=BUCKET, Key=key)
    if BUCKET in _buckets(client):
        client.delete_bucket(Bucket=BUCKET)
    server.stop()


def _buckets(client):
    return [b["Name"] for b in client.list_buckets()["Buckets"]]


def keys(client):
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
    return [o["Key"] for page in pages for o in page.get("Contents", [])]


def test_each_entry_is_one_object_named_by_time_and_a_unique_part(object_store):
    client, _server = object_store
    journal.journal_append("erasure", trigger="staff", customers=[[7, "2026-01-01T00:00:00+00:00"]])
    journal.journal_withdrawal(
        customer_id=8,
        created=datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC),
        purpose="marketing_email",
        channel="unsubscribe",
    )
    names = keys(client)
    assert len(names) == 2 and all(name.startswith("journal/") for name in names)
    assert names == sorted(names)  # by time
    body = json.loads(client.get_object(Bucket=BUCKET, Key=names[0])["Body"].read())
    assert body["kind"] == "erasure" and body["customers"] == [[7, "2026-01-01T00:00:00+00:00"]]
    assert [e["kind"] for e in journal.journal_read()] == ["erasure", "withdrawal"]


def _write_many(args):
    node, count = args  # a forked process: the test's settings come with it
    for n in range(count):
        journal.journal_append("erasure", trigger="staff", customers=[[node * 1000 + n, "x"]])


def test_writers_in_several_processes_never_overwrite_each_other(tmp_path, settings):
    """Two machines, or two workers on one: every entry they write is there afterwards."""
    settings.ERASURE_JOURNAL = tmp_path / "journal" / "erasures.jsonl"
    context = multiprocessing.get_context("fork")
    with context.Pool(3) as pool:
        pool.map(_write_many, [(node, 40) for node in range(3)])
    ids = sorted(e["customers"][0][0] for e in journal.journal_read())
    assert ids == sorted(node * 1000 + n for node in range(3) for n in range(40))
    folder = tmp_path / "journal" / "erasures"
    files = list(folder.iterdir())
    assert len(files) == 120  # one file per entry
    assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}


def test_a_single_file_journal_of_an_earlier_version_is_still_read(tmp_path, settings):
    """The migration path: the old erasures.jsonl at ERASURE_JOURNAL is read with the folder
    beside it, and ``journal_import`` copies it into the shared store."""
    settings.ERASURE_JOURNAL = tmp_path / "erasures.jsonl"
    settings.ERASURE_JOURNAL.write_text(
        '{"at":"2026-01-01T00:00:00+00:00","kind":"opened"}\n'
        '{"at":"2026-01-02T00:00:00+00:00","customers":[[3,"2025-05-05T00:00:00+00:00"]],'
        '"kind":"erasure","trigger":"staff"}\n'
    )
    journal.journal_append("erasure", trigger="request", customers=[[4, "x"]])
    entries = list(journal.journal_read())
    assert [(e["kind"], e.get("trigger")) for e in entries] == [
        ("opened", None),
        ("erasure", "staff"),
        ("erasure", "request"),
    ]
    assert settings.ERASURE_JOURNAL.read_text().count("\n") == 2  # new entries go elsewhere
    # Read twice, the old lines keep their names (a backup's mark may name one of them).
    assert [e["id"] for e in journal.journal_read()] == [e["id"] for e in entries]


def test_journal_import_copies_an_old_file_into_the_shared_store_once(
    object_store, tmp_path, capsys
):
    from django.core.management import call_command

    client, _server = object_store
    old = tmp_path / "machine-b-erasures.jsonl"
    old.write_text(
        '{"at":"2026-01-01T00:00:00+00:00","kind":"opened"}\n'
        '{"at":"2026-01-02T00:00:00+00:00","customers":[[3,"2025-05-05T00:00:00+00:00"]],'
        '"kind":"erasure","trigger":"staff"}\n'
    )
    call_command("journal_import", str(old))
    call_command("journal_import", str(old))  # a repeat copies nothing twice
    assert len(keys(client)) == 2
    assert [e["kind"] for e in journal.journal_read()] == ["opened", "erasure"]
    assert "2 entries" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_node_that_cannot_write_the_shared_journal_does_not_erase(object_store):
    from customers.retention.erasure import customer_erase
    from demo.factories import CustomerFactory

    client, server = object_store
    customer = CustomerFactory(email="van-con@example.vn")
    client.delete_bucket(Bucket=BUCKET)  # the store refuses every write
    with pytest.raises(Exception):  # noqa: B017 (boto's error, whichever it is)
        customer_erase(customer=customer, actor="system:test", trigger="staff")
    customer.refresh_from_db()
    assert not customer.is_erased and customer.email == "van-con@example.vn"


@pytest.mark.django_db
def test_the_retired_key_check_reads_the_shared_journal(object_store, settings):
    from cryptography.fernet import Fernet

    from privacysite.key_checks import check_retired_keys_kept, keys_rotated_journal

    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *old_keys]
    keys_rotated_journal()  # written on one node...
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]
    # ...seen by the check on any other.
    assert [e.id for e in check_retired_keys_kept()] == ["privacysite.E101"]
