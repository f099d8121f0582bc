from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RecipientNotice(models.Model):
    """A recipient in the disclosure register told to delete or correct what it received
    about a customer, or to only store it while processing is restricted (Law 91 Art 10(3), Art 14(4)): when, by when, and its answer."""

    class Kind(models.TextChoices):
        DELETE = "delete", _("Delete the customer's data")
        CORRECT = "correct", _("Correct the customer's data")
        RESTRICT = "restrict", _("Only store the customer's data (processing restricted)")
        RESUME = "resume", _("Restriction lifted: the customer's data may be used again")

    recipient = models.ForeignKey(
        "customers.Recipient",
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name=_("recipient"),
    )
    # The customer's number only: after an erasure nothing else about them is left.
    customer_id = models.BigIntegerField(_("customer number"), db_index=True)
    kind = models.CharField(_("what to do"), max_length=8, choices=Kind.choices)
    fields = models.JSONField(_("fields concerned"), default=list)
    created_at = models.DateTimeField(_("notice recorded at"), auto_now_add=True)
    deadline = models.DateField(_("deadline"))
    message = models.ForeignKey(
        "customers.Message",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("email to the recipient"),
    )
    sent_at = models.DateTimeField(_("sent to the recipient at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmation = models.TextField(
        _("the recipient's answer"),
        blank=True,
        help_text=_("What the recipient confirmed, and its reference (no personal data)."),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answer recorded by"),
    )

    class Meta:
        verbose_name = _("notice to a recipient")
        verbose_name_plural = _("notices to recipients")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(
                fields=["deadline"],
                name="recipientnotice_open_idx",
                condition=Q(confirmed_at__isnull=True),
            )
        ]

    def __str__(self):
        return f"{self.recipient} · #{self.customer_id} · {self.get_kind_display()}"
