from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from customers.core.fields import EncryptedTextField


class Service(models.Model):
    """A product or service a customer subscribes to (hosting, maintenance, a licence...)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")
        CANCELLED = "cancelled", _("Cancelled")

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="services",
        verbose_name=_("customer"),
    )
    product = models.CharField(_("product or service"), max_length=200)
    started_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end or expiry date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    notes = EncryptedTextField(_("service notes"), blank=True)
    reminders_sent = models.JSONField(
        _("renewal reminders sent (days before)"), default=list, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    import_batch = models.ForeignKey(
        "customers.ImportBatch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="services",
        verbose_name=_("imported by"),
    )

    class Meta:
        verbose_name = _("service subscription")
        verbose_name_plural = _("service subscriptions")
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("started_on")),
                name="service_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["status", "ends_on"], name="service_status_end_idx")]

    def __str__(self):
        return self.product


class Warranty(models.Model):
    """An installed item under warranty: what a running warranty needs is kept until it ends."""

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="warranties",
        verbose_name=_("customer"),
    )
    item = models.CharField(_("item"), max_length=200)
    installed_on = models.DateField(_("installed on"))
    warranty_until = models.DateField(_("warranty until"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("warranty")
        verbose_name_plural = _("warranties")
        ordering = ["-warranty_until"]
        constraints = [
            models.CheckConstraint(
                condition=Q(warranty_until__gte=F("installed_on")),
                name="warranty_ends_after_install",
            )
        ]

    def __str__(self):
        return self.item
