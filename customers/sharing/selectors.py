"""Reads for sharing: which recipients the ordinary sharing path may still give data to."""

from django.utils import timezone

from customers.models import Recipient


def recipients_for_sharing(*, today=None):
    """Recipients an ordinary sharing may go to: not an authority (a legal disclosure has its
    own flow, with the customer told and an objection window) and not one whose relationship
    has ended (an ended agreement gives no ground to send anything)."""
    today = today or timezone.localdate()
    return Recipient.objects.exclude(kind=Recipient.Kind.AUTHORITY).exclude(ended_on__lte=today)
