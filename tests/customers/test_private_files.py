"""Uploaded files are encrypted under random names and reach staff only through a checked,
logged download (issue 14.8, 16.9)."""

import re
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from customers.core.roles import Role
from customers.models import AccessLogEntry, DataRequest
from customers.requests import my_data
from customers.requests.services import request_open
from demo.factories import CustomerFactory
from tests.conftest import login_staff

pytestmark = pytest.mark.django_db

PROOF = b"\x89PNG\r\n\x1a\n" + "Ảnh chụp tin nhắn lạ của Nguyễn Văn An".encode()
RANDOM_NAME = re.compile(r"^requests/\d{4}/\d{2}/[0-9a-f]{32}$")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def complain_with(client, customer, upload):
    client.post(reverse("customers:my_data_open", args=[my_data.link_token(customer)]))
    client.post(
        reverse("customers:my_data_complain"),
        {"category": "leak", "details": "Tôi nhận cuộc gọi lạ", "attachment": upload},
    )
    return DataRequest.objects.get(customer=customer)


def stored_files(media: Path):
    return [p for p in media.rglob("*") if p.is_file()]


def test_a_complaint_attachment_is_stored_encrypted_under_a_random_name(client, seeded, media):
    customer = CustomerFactory()
    request = complain_with(
        client, customer, SimpleUploadedFile("tin-nhan-la.png", PROOF, "image/png")
    )
    assert RANDOM_NAME.match(request.attachment.name)
    (stored,) = stored_files(media)
    raw = stored.read_bytes()
    assert raw.startswith(b"gAAAAA") and b"PNG" not in raw and b"tin-nhan" not in raw
    assert "tin-nhan" not in str(stored)


def test_staff_download_is_permission_checked_logged_and_keeps_the_original_name(
    client, seeded, media, staff_user
):
    customer = CustomerFactory()
    request = complain_with(
        client, customer, SimpleUploadedFile("tin-nhan-la.png", PROOF, "image/png")
    )
    url = request.attachment.url
    assert url == reverse("admin:private_file", kwargs={"name": request.attachment.name})

    client.cookies.clear()
    assert client.get(url).status_code == 302  # not signed in: to the login page

    login_staff(client, staff_user(role=Role.ACCOUNTING.value, username="thu"))
    refused = client.get(url)
    assert refused.status_code == 403 and "Bạn không được mở mục này" in refused.content.decode()
    assert not AccessLogEntry.objects.filter(fields=["attachment"]).exists()

    client.logout()
    care = staff_user(role=Role.CUSTOMER_CARE.value, username="phuc")
    login_staff(client, care)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PROOF
    assert response["Content-Disposition"] == 'attachment; filename="tin-nhan-la.png"'
    entry = AccessLogEntry.objects.get(fields=["attachment"])
    assert entry.actor == care and entry.customer_ids == [customer.pk]

    # The admin's own link to the file is this view.
    page = client.get(reverse("admin:customers_datarequest_change", args=[request.pk]))
    assert url in page.content.decode()
    assert client.get("/media/" + request.attachment.name).status_code == 404


def test_files_stored_in_clear_by_an_earlier_version_are_migrated(seeded, media):
    customer = CustomerFactory()
    old_name = "requests/2025/03/hoa-don-nguyen-van-an.pdf"
    (media / "requests/2025/03").mkdir(parents=True)
    (media / old_name).write_bytes(b"%PDF personal")
    request = request_open(customer=customer, kind="complaint", complaint_category="other")
    DataRequest.objects.filter(pk=request.pk).update(attachment=old_name)

    call_command("secure_files")
    request.refresh_from_db()
    assert RANDOM_NAME.match(request.attachment.name)
    assert not (media / old_name).exists()
    (stored,) = stored_files(media)
    assert b"%PDF" not in stored.read_bytes()
    file = request.attachment.storage.open(request.attachment.name)
    assert file.read() == b"%PDF personal" and file.name == "hoa-don-nguyen-van-an.pdf"
    call_command("secure_files")  # a second run changes nothing
    assert stored_files(media) == [stored]


def test_files_are_rotated_with_the_field_keys(seeded, media, settings):
    customer = CustomerFactory()
    request = request_open(customer=customer, kind="complaint", complaint_category="other")
    request.attachment.save("bien-ban.pdf", SimpleUploadedFile("bien-ban.pdf", b"%PDF 1"))
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]
    call_command("rotate_encryption_keys")
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old keys gone: the file still opens
    request.refresh_from_db()
    file = request.attachment.storage.open(request.attachment.name)
    assert file.read() == b"%PDF 1" and file.name == "bien-ban.pdf"
    assert len(stored_files(media)) == 1
