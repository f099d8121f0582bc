"""Development mail: each email printed as a person reads it (decoded Vietnamese, the links
whole), framed so that it stands out among the worker's log lines. Used in place of Django's
console backend, which prints the encoded MIME message."""

import sys
import threading

from django.core.mail.backends.base import BaseEmailBackend

RULE = "=" * 78


class ReadableConsoleBackend(BaseEmailBackend):
    def __init__(self, *args, stream=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()

    def send_messages(self, email_messages):
        with self._lock:
            for message in email_messages:
                self.stream.write(
                    f"\n{RULE}\n📧 EMAIL to {', '.join(message.to)}\n"
                    f"   Subject: {message.subject}\n{RULE}\n{message.body}\n{RULE}\n\n"
                )
            self.stream.flush()
        return len(email_messages)
