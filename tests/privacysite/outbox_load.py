"""The load of the Redis-outage test, in a process of its own (it publishes to the test's own
redis-server): messages accepted through the outbox as the web forms accept them (a row, then
the task after commit; a broker that is down only costs a log line), five a second, until the
stop file appears. Then the resend sweep, as beat runs it every five minutes.

Run as ``python -m tests.privacysite.outbox_load STOP_FILE CUSTOMER_ID``."""

import os
import sys
import time


def main(stop_file: str, customer_id: int) -> None:
    import django

    django.setup()
    from django.db import transaction

    from customers.messaging.services import message_queue, messages_resend_stuck
    from customers.models import Customer
    from privacysite.celery import app

    app.conf.task_always_eager = False
    customer = Customer.objects.get(pk=customer_id)
    context = {"confirm_url": "https://example.vn/confirm/TOKEN/", "valid_days": 30}
    while not os.path.exists(stop_file):
        with transaction.atomic():
            message_queue(
                customer=customer, purpose="service", template="confirm_contact", context=context
            )
        time.sleep(0.2)
    print("resent", messages_resend_stuck(), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
