"""A mail server that takes its time (0.3 s a message, as an SMTP relay over the internet
does), so that tasks are running in the worker when its broker goes away."""

import time

from django.core.mail.backends.locmem import EmailBackend


class SlowEmailBackend(EmailBackend):
    def send_messages(self, messages):
        time.sleep(0.3)
        return super().send_messages(messages)
