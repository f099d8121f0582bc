"""A real task through the real broker, run by a real worker, writing to the real database."""

import time

import pytest
from django.core import mail
from django.db import transaction

from customers.messaging.services import message_queue
from customers.models import Message
from demo.factories import CustomerFactory

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def queue_confirmation(customer):
    return message_queue(
        customer=customer,
        purpose="service",
        template="confirm_contact",
        context={"confirm_url": "https://example.vn/x", "valid_days": 7},
    )


def test_message_is_sent_by_a_worker_through_redis(celery_worker):
    customer = CustomerFactory(email="lan.tran@example.vn", full_name="Trần Thị Lan")
    with transaction.atomic():
        message = queue_confirmation(customer)
    assert wait_for(lambda: Message.objects.get(pk=message.pk).status == Message.Status.SENT), (
        "the worker did not send the message"
    )
    sent = Message.objects.get(pk=message.pk)
    assert sent.sent_at is not None and sent.attempts == 1
    assert [m.to for m in mail.outbox] == [["lan.tran@example.vn"]]


def test_rolled_back_transaction_sends_nothing(celery_worker):
    customer = CustomerFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_confirmation(customer)
        raise RuntimeError("the request failed after queueing")
    time.sleep(1)
    assert not Message.objects.exists()
    assert mail.outbox == []
