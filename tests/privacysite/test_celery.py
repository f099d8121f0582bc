"""A real task through the real broker, run by a real worker, writing to the real database."""

import time

import pytest
from django.core import mail
from django.db import transaction

from customers.factories import CustomerFactory
from customers.models import Message
from customers.services.messages import message_queue

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_message_is_sent_by_a_worker_through_redis(postgres, redis_url):
    assert app.conf.broker_url.startswith("redis://")
    customer = CustomerFactory(email="lan.tran@example.vn", full_name="Trần Thị Lan")
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        with transaction.atomic():
            message = message_queue(
                customer=customer,
                purpose="service",
                template="confirm_contact",
                context={"confirm_url": "https://example.vn/x", "valid_days": 7},
            )
        assert wait_for(lambda: Message.objects.get(pk=message.pk).status == Message.Status.SENT), (
            "the worker did not send the message"
        )
    sent = Message.objects.get(pk=message.pk)
    assert sent.sent_at is not None and sent.attempts == 1
    assert [m.to for m in mail.outbox] == [["lan.tran@example.vn"]]


@pytest.mark.django_db(transaction=True)
def test_rolled_back_transaction_sends_nothing(celery_worker):
    customer = CustomerFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        message_queue(
            customer=customer,
            purpose="service",
            template="confirm_contact",
            context={"confirm_url": "https://example.vn/x", "valid_days": 7},
        )
        raise RuntimeError("the request failed after queueing")
    time.sleep(1)
    assert not Message.objects.exists()
    assert mail.outbox == []
