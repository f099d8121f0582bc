"""Uploaded files in S3-compatible object storage (issue 16.9): several machines share the
bucket, so an erasure on any worker deletes the file. The bucket is moto's S3 server on a
local port, spoken to over HTTP by django-storages and boto3 as a real endpoint would be."""

import environ
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from customers.requests.services import request_open
from customers.retention.erasure import customer_erase
from demo.factories import CustomerFactory
from privacysite.media_settings import media_storage

pytestmark = pytest.mark.django_db

BUCKET = "privacysite-media"


@pytest.fixture
def bucket(settings, monkeypatch):
    boto3 = pytest.importorskip("boto3")
    server_module = pytest.importorskip("moto.server")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for name, value in {
        "MEDIA_S3_BUCKET": BUCKET,
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
    settings.STORAGES = {**settings.STORAGES, "default": media_storage(environ.Env())}
    yield client
    server.stop()


def keys(client):
    return [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_attachment_goes_encrypted_to_the_bucket_and_erasure_deletes_it(
    bucket, seeded, django_capture_on_commit_callbacks
):
    customer = CustomerFactory()
    request = request_open(customer=customer, kind="complaint", complaint_category="other")
    request.attachment.save("hop-dong.pdf", SimpleUploadedFile("hop-dong.pdf", b"%PDF secret"))
    (key,) = keys(bucket)
    assert key == request.attachment.name and "hop-dong" not in key
    body = bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert body.startswith(b"gAAAAA") and b"secret" not in body
    opened = request.attachment.storage.open(key)
    assert opened.read() == b"%PDF secret" and opened.name == "hop-dong.pdf"

    request.status = "answered"
    request.save()
    with django_capture_on_commit_callbacks(execute=True):
        customer_erase(customer=customer, actor="system:test", trigger="staff")
    assert keys(bucket) == []
