"""Taking back what an import wrote: its own services and accounting documents deleted, the
customers it created erased through the erasure service (certificates, the erasure journal,
the access log), the customers that existed before left as they are."""

from customers.core.actors import Actor
from customers.models import AccountingDocument, ErasureCertificate, ImportedCustomer, Service
from customers.retention.erasure import customers_erase

UNDO_BATCH = 500


def undo_written(batch, actor) -> dict:
    """What an import wrote, taken back (also after a cancelled import)."""
    actor = Actor.of(actor)
    documents = AccountingDocument.objects.filter(import_batch=batch).delete()[0]
    services = Service.objects.filter(import_batch=batch).delete()[0]
    created = list(
        ImportedCustomer.objects.filter(batch=batch, created=True)
        .order_by("customer_id")
        .values_list("customer_id", flat=True)
    )
    # The erasure is the import's own to take back: the system carries it out in the name of
    # the person who asked (recorded on the certificates and in the access log).
    on_behalf = Actor(label=f"{actor.label} (import #{batch.pk} undone)"[:150])
    erased, kept = 0, 0
    for start in range(0, len(created), UNDO_BATCH):
        done, blocked = customers_erase(
            customer_ids=created[start : start + UNDO_BATCH],
            actor=on_behalf,
            trigger=ErasureCertificate.Trigger.IMPORT_UNDONE,
            reason=f"import #{batch.pk} undone",
        )
        erased += len(done)
        kept += len(blocked)
    return {"erased": erased, "kept": kept, "services": services, "documents": documents}
