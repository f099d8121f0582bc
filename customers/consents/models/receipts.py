from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsentReceipt(models.Model):
    """That the customer was sent a receipt for a ledger event (at most one per event)."""

    event = models.OneToOneField(
        "consents.ConsentEvent",
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="receipt",
        verbose_name=_("consent event"),
    )
    # Empty when there was no address to send to, or the message went with an erasure.
    message = models.ForeignKey(
        "customers.Message",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("message"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent receipt")
        verbose_name_plural = _("consent receipts")

    def __str__(self):
        return f"receipt #{self.pk}"
