"""Messages queued by a batch of work are handed to the broker together: one publish for
the batch (``messages_enqueue_batch``), one task sending them in turn
(``messages_send_batch``), instead of one publish and one task per message."""

import logging

from customers.core import jobs
from customers.messaging.services import QUICK_PUBLISH_RETRY, message_send

logger = logging.getLogger(__name__)


def messages_enqueue_batch(*, message_ids: list[int]) -> None:
    """Hand the messages to the broker in one publish; if the broker is down, the periodic
    resend picks each of them up (the outbox rows are the truth)."""
    if not message_ids:
        return
    try:
        jobs.enqueue(jobs.MESSAGES_SEND_BATCH, list(message_ids), retry_policy=QUICK_PUBLISH_RETRY)
    except Exception as exc:
        logger.warning(
            "message.enqueue_failed count=%s error=%s", len(message_ids), type(exc).__name__
        )


def messages_send_batch(*, message_ids: list[int]) -> int:
    """Send each message (each claimed first, so a batch delivered twice sends nothing twice).
    One that fails does not stop the others; a transient failure is raised at the end, after
    the others were sent, so that the task is retried for what is left."""
    sent, transient = 0, None
    for message_id in message_ids:
        try:
            sent += bool(message_send(message_id=message_id))
        except jobs.TRANSIENT_ERRORS as exc:
            transient = exc
        except Exception as exc:
            logger.error("message.failed message_id=%s error=%s", message_id, type(exc).__name__)
    if transient is not None:
        raise transient
    return sent
