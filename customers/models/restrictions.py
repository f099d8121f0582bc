from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ProcessingRestrictionQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(lifted_at__isnull=True)

    def covering(self, purpose_code: str):
        """Restrictions of the whole processing, or of this purpose."""
        return self.filter(Q(purpose__isnull=True) | Q(purpose__code=purpose_code))


class ProcessingRestriction(models.Model):
    """The customer's data is only stored (and kept as the law requires), not otherwise used:
    wholly (no purpose) or for one purpose (Law 91 Art 4(1)(b),(d); docs/legal.md §3, §4.5).
    In force from ``started_at`` until the customer or a reasoned decision lifts it."""

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="restrictions",
        verbose_name=_("customer"),
    )
    purpose = models.ForeignKey(
        "consents.Purpose",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("purpose restricted"),
        help_text=_("Empty: all processing except storage and legal retention."),
    )
    request = models.ForeignKey(
        "customers.DataRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("request"),
    )
    # The ground in a few words, as the change history keeps it (no personal data).
    reason = models.CharField(_("why restricted"), max_length=255)
    started_at = models.DateTimeField(_("in force since"), auto_now_add=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("restricted by"),
    )
    started_by_label = models.CharField(_("restricted by"), max_length=150)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lifted by"),
    )
    lifted_by_label = models.CharField(_("lifted by"), max_length=150, blank=True)
    lift_reason = models.CharField(_("why lifted"), max_length=255, blank=True)

    objects = ProcessingRestrictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("processing restriction")
        verbose_name_plural = _("processing restrictions")
        ordering = ["-started_at", "-id"]
        constraints = [
            # One restriction in force per customer and scope: a repeat finds the first.
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(lifted_at__isnull=True, purpose__isnull=True),
                name="restriction_one_whole_in_force",
            ),
            models.UniqueConstraint(
                fields=["customer", "purpose"],
                condition=Q(lifted_at__isnull=True, purpose__isnull=False),
                name="restriction_one_per_purpose_in_force",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | ~Q(lifted_by_label=""),
                name="restriction_lift_names_who",
            ),
        ]

    def __str__(self):
        return f"#{self.customer_id} · {self.purpose or _('all processing')}"

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None
