"""Development mail is printed as a person reads it, framed among the log lines."""

import io
import os
import subprocess
import sys

import pytest
from django.core.mail import EmailMultiAlternatives

from privacysite.dev_mail import RULE, ReadableConsoleBackend


def test_an_email_is_printed_readable_and_framed():
    out = io.StringIO()
    message = EmailMultiAlternatives(
        subject="Xác nhận thông tin liên hệ",
        body="Chào chị Hoa,\nMở liên kết: http://127.0.0.1:8017/confirm/abc/",
        to=["hoa.nguyen@example.vn"],
    )
    message.attach_alternative("<p>Chào chị Hoa</p>", "text/html")
    assert ReadableConsoleBackend(stream=out).send_messages([message]) == 1
    text = out.getvalue()
    assert text.count(RULE) == 3
    assert "EMAIL to hoa.nguyen@example.vn" in text
    assert "Subject: Xác nhận thông tin liên hệ" in text
    assert "Chào chị Hoa,\nMở liên kết: http://127.0.0.1:8017/confirm/abc/" in text  # not encoded


@pytest.mark.slow  # a subprocess that loads the project (in make test, not make test-fast)
def test_a_development_install_prints_mail_this_way():
    """Settings as `make run` loads them (DEBUG, no EMAIL_URL): this backend, not Django's."""
    code = "import django; django.setup(); from django.conf import settings; print(settings.EMAIL_BACKEND)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "privacysite.settings", "DEBUG": "True",
           "ENV_FILE": ""}  # fmt: skip
    env.pop("EMAIL_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "privacysite.dev_mail.ReadableConsoleBackend"
