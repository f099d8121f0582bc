"""Signals other apps may listen to (loose coupling: customers does not know who listens)."""

from django.dispatch import Signal

# Sent inside the erasure's transaction, before the personal data is wiped, with
# ``customer_ids`` (the ids being erased). A receiver that fails rolls the erasure back.
customers_erased = Signal()

# Sent inside the transaction that first confirms a web registration's contact (the link sent
# to the address was opened), with ``customer``: its consents may now be acted on. Not sent
# for customers from other sources, whose consents were never held.
contact_confirmed = Signal()

# Sent inside the transaction that lifts a restriction of processing, with ``customer`` and
# ``purpose_code`` (None: the whole processing): the consents it covered may be acted on again.
restriction_lifted = Signal()
