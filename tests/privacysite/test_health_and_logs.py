import logging

import pytest

from customers.records.submissions import submissions_process_pending
from privacysite.log_filters import redact

pytestmark = pytest.mark.django_db


def test_log_lines_lose_emails_phones_and_tax_codes(caplog):
    assert redact("sent to an.nguyen@example.vn") == "sent to <email>"
    assert "0903123456" not in redact("phone 0903123456 and +84 912 345 678")
    assert "0312345673" not in redact("mst 0312345673-001")
    logger = logging.getLogger("privacysite.test")
    from privacysite.log_filters import RedactPersonalData

    logger.addFilter(RedactPersonalData())
    with caplog.at_level(logging.INFO):
        logger.info("lookup %s failed", "hoa@example.vn")
    assert "hoa@example.vn" not in caplog.text and "<email>" in caplog.text


def test_client_address_behind_our_proxy_and_not_from_a_forged_header(rf, settings):
    from privacysite.http import client_ip

    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.TRUSTED_PROXIES = 0
    assert client_ip(request) == "127.0.0.1"  # no proxy configured: the header is ignored
    settings.TRUSTED_PROXIES = 1
    assert client_ip(request) == "203.0.113.9"  # what our nginx saw, not the forged hop


def test_main_flows_log_no_personal_data_and_carry_a_request_id(
    client, seeded, caplog, django_capture_on_commit_callbacks, settings
):
    from django.core import mail

    settings.FORM_RATE_LIMIT = "100/m"
    secrets = {
        "email": "logtest.nguyen@example.vn",
        "phone": "0912 777 888",
        "tax": "0100109106",
        "name": "Phạm Nhật Ký",
    }
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/register/",
            {
                "kind": "business",
                "full_name": secrets["name"],
                "business_name": "Công ty Nhật Ký",
                "tax_code": secrets["tax"],
                "email": secrets["email"],
                "phone_mobile": secrets["phone"],
                "address_home": "1 Lê Lợi",
                "purpose_surveys": "on",
            },
        )
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        submissions_process_pending()  # the worker's part
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        client.post("/my-data/", {"email": secrets["email"]})
        client.post("/register/", {"email": "not-valid", "tax_code": secrets["tax"]})
    assert response.status_code == 302 and response["X-Request-ID"]
    assert len(mail.outbox) == 2  # confirmation (with the consent receipt), my-data link
    text = caplog.text + "".join(logging.Formatter().format(r) for r in caplog.records if r.args)
    for value in secrets.values():
        assert value not in text, value
    assert "submission.accepted" in caplog.text and "submission.processed" in caplog.text


@pytest.mark.parametrize("path", ["/", "/cookies/"])  # the full chain and the short one
def test_the_proxys_request_id_is_kept_and_a_forged_one_replaced(client, seeded, path):
    method = client.get if path == "/" else client.post
    kept = method(path, HTTP_X_REQUEST_ID="nginx-4f2a9c1e")
    assert kept["X-Request-ID"] == "nginx-4f2a9c1e"
    forged = method(path, HTTP_X_REQUEST_ID="<script>")
    assert forged["X-Request-ID"] != "<script>" and len(forged["X-Request-ID"]) == 16
