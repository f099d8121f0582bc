from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.core.fields import EncryptedTextField


class PendingChange(models.Model):
    """A web form that matched an existing customer: nothing changes until the customer
    confirms it through a link sent to the address already on file. The new values (and the
    purposes ticked) wait here, encrypted, until confirmed or expired."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the customer's confirmation")
        CONFIRMED = "confirmed", _("Confirmed by the customer")
        EXPIRED = "expired", _("Expired unconfirmed")
        SUPERSEDED = "superseded", _("Replaced by a later form")

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="pending_changes",
        verbose_name=_("customer"),
    )
    submission = models.ForeignKey(
        "customers.Submission",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("form submission"),
    )
    # The new values, the purposes ticked and the consent evidence (JSON); emptied once the
    # change is confirmed, expired or replaced.
    payload = EncryptedTextField(_("proposed values"), blank=True)
    fields = models.JSONField(_("fields that would change"), default=list)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    decided_at = models.DateTimeField(_("confirmed or closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pending change")
        verbose_name_plural = _("pending changes")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["expires_at"],
                name="pendingchange_open_idx",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self):
        return f"#{self.customer_id} · {self.get_status_display()}"
