"""The worker processes accepted submissions in batches: one transaction per batch, each
submission all or nothing inside it, a bad one never holding up the others, and one publish
for the batch's confirmation emails."""

import json
from unittest import mock

import pytest
from django.core import mail
from django.test import TestCase

from customers.consents.models import ConsentEvent, Purpose
from customers.consents.selectors import policy_current
from customers.core import jobs
from customers.models import Customer, CustomerChange, Message, PendingChange, Submission
from customers.records.submissions import (
    submission_accept,
    submission_process_batch,
    submissions_process_pending,
)

pytestmark = pytest.mark.django_db


def accept(email, *, consented=("surveys",)):
    data = {
        "kind": "individual",
        "full_name": "Nguyễn Thị Hoa",
        "email": email,
        "phone_mobile": "0912 345 678",
        "address_home": "45 Trần Hưng Đạo, Huế",
    }
    return submission_accept(
        form="register",
        data=data,
        raw=data,
        ip_address="203.0.113.7",
        user_agent="test",
        language="vi",
        policy_version=policy_current(),
        consented=list(Purpose.objects.filter(code__in=consented)),
    )


def break_halfway(submission):
    """A row that fails after its customer was created: its consent channel is missing."""
    pending = json.loads(submission.pending)
    del pending["channel"]
    Submission.objects.filter(pk=submission.pk).update(pending=json.dumps(pending))


def test_a_bad_submission_is_rolled_back_alone_and_the_batch_goes_on(seeded):
    first, bad, last = accept("a@example.vn"), accept("bad@example.vn"), accept("c@example.vn")
    break_halfway(bad)

    with TestCase.captureOnCommitCallbacks(execute=True):
        done, failed = submission_process_batch([first.pk, bad.pk, last.pk])

    assert set(done) == {first.pk, last.pk} and failed == {bad.pk: "KeyError"}
    emails = {c.email for c in Customer.objects.all()}
    assert emails == {"a@example.vn", "c@example.vn"}  # nothing of the bad one's customer
    assert CustomerChange.objects.count() == 2
    assert ConsentEvent.objects.count() == 2
    # Each of the two is asked to confirm (and gets the receipt of its consent); nobody else.
    confirmations = Message.objects.filter(template="confirm_contact")
    assert sorted(confirmations.values_list("recipient", flat=True)) == [
        "a@example.vn",
        "c@example.vn",
    ]
    assert {m.to[0] for m in mail.outbox} == {"a@example.vn", "c@example.vn"}
    bad.refresh_from_db()
    assert bad.processed_at is None and bad.customer is None and bad.problem == "KeyError"
    for submission in (first, last):
        submission.refresh_from_db()
        assert submission.processed_at and submission.customer and submission.pending == ""


def test_the_failed_one_waits_for_the_next_run_and_is_then_processed(seeded):
    good, bad = accept("a@example.vn"), accept("bad@example.vn")
    break_halfway(bad)
    assert submissions_process_pending() == 1  # not tried again and again in the same run
    pending = json.loads(Submission.objects.get(pk=bad.pk).pending)
    pending["channel"] = "web_form"
    Submission.objects.filter(pk=bad.pk).update(pending=json.dumps(pending))
    assert submissions_process_pending() == 1
    bad.refresh_from_db()
    assert bad.processed_at and bad.problem == "" and bad.customer.email == "bad@example.vn"
    assert Submission.objects.filter(processed_at=None).count() == 0
    assert good.pk != bad.pk


def test_the_same_person_twice_in_one_batch_is_one_customer(seeded):
    first, second = accept("hoa@example.vn"), accept("hoa@example.vn", consented=())
    done, failed = submission_process_batch([first.pk, second.pk])
    assert not failed
    customer = Customer.objects.get()
    assert done == {first.pk: customer, second.pk: customer}
    # The second form names a customer who now exists, and changes nothing of theirs: no
    # second confirmation, and nothing to confirm (issue 28 §7; a form that changes something
    # becomes a pending change, test_pending_changes.py).
    assert Message.objects.filter(customer=customer, template="confirm_contact").count() == 1
    assert not PendingChange.objects.filter(customer=customer).exists()


def test_one_publish_per_batch_instead_of_one_per_customer(seeded):
    from celery.app.task import Task

    submissions = [accept(f"k{n}@example.vn") for n in range(5)]
    published = []
    publish = Task.apply_async

    def counting(task, *args, **kwargs):
        published.append(task.name)
        return publish(task, *args, **kwargs)

    with (
        mock.patch.object(jobs, "enqueue", wraps=jobs.enqueue) as enqueue,
        mock.patch.object(Task, "apply_async", counting),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        done, _failed = submission_process_batch([s.pk for s in submissions])
    assert len(done) == 5
    # Every task the batch starts, of any kind: one, the batch of messages. (The consents'
    # receipts go in the confirmations, not one task per customer.)
    assert published == [jobs.MESSAGES_SEND_BATCH]
    confirmations = set(
        Message.objects.filter(template="confirm_contact").values_list("pk", flat=True)
    )
    batches = [c for c in enqueue.call_args_list if c.args[0] == jobs.MESSAGES_SEND_BATCH]
    assert len(batches) == 1 and set(batches[0].args[1]) == confirmations
    # Each consent's receipt is its own message (issue 20); no confirmation goes one by one.
    singles = {c.args[1] for c in enqueue.call_args_list if c.args[0] == jobs.MESSAGE_SEND}
    assert not singles & confirmations
    confirmed = [m for m in mail.outbox if m.to[0].startswith("k")]
    assert len(confirmations) == 5 and len({m.to[0] for m in confirmed}) == 5
    assert Message.objects.filter(pk__in=confirmations, status=Message.Status.SENT).count() == 5


def test_a_repeat_of_a_processed_batch_does_nothing(seeded):
    submissions = [accept(f"k{n}@example.vn") for n in range(3)]
    submission_process_batch([s.pk for s in submissions])
    assert submission_process_batch([s.pk for s in submissions]) == ({}, {})
    assert Customer.objects.count() == 3 and Message.objects.count() == 3
