from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.fields import EncryptedTextField


class DataRequest(models.Model):
    """A customer's request about their data, with its legal clock (Decree 356 Art 5)."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("See or copy my data")
        CORRECTION = "correction", _("Correct my data")
        DELETION = "deletion", _("Delete my data")
        WITHDRAWAL = "withdrawal", _("Withdraw consent")
        OBJECTION = "objection", _("Object to or restrict processing")
        COMPLAINT = "complaint", _("Complaint")
        OTHER = "other", _("Other / protective measure")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        VERIFIED = "verified", _("Verified")
        IN_PROGRESS = "in_progress", _("In progress")
        EXTENDED = "extended", _("Extended")
        HELD = "held", _("Held: identity to re-verify")
        ANSWERED = "answered", _("Answered")
        REJECTED = "rejected", _("Rejected")

    OPEN = (Status.RECEIVED, Status.VERIFIED, Status.IN_PROGRESS, Status.EXTENDED, Status.HELD)

    class ComplaintCategory(models.TextChoices):
        MISUSE = "misuse", _("Misuse of my data")
        LEAK = "leak", _("My data leaked to a third party")
        MARKETING = "marketing", _("Marketing without my consent")
        OTHER = "other", _("Other")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("customer"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    complaint_category = models.CharField(
        _("complaint category"), max_length=10, choices=ComplaintCategory.choices, blank=True
    )
    details = EncryptedTextField(_("what the customer wrote"), blank=True)
    proposed_changes = EncryptedTextField(_("proposed changes"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to="requests/%Y/%m/", blank=True)
    language = models.CharField(_("language"), max_length=8, default="vi")
    processor_involved = models.BooleanField(
        _("a processor or third party must act"), default=False
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    acknowledge_by = models.DateField(_("acknowledge by"))
    due_on = models.DateField(_("due on"))
    extended_until = models.DateField(_("extended until"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignee"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    answer_reason = models.TextField(_("reason"), blank=True)
    answer_remedy = models.TextField(_("remedy"), blank=True)
    incident_needed = models.BooleanField(
        _("needs an incident record"),
        default=False,
        help_text=_(
            "Set for a complaint about a leak: the data-protection role opens an incident."
        ),
    )

    class Meta:
        verbose_name = _("customer request")
        verbose_name_plural = _("customer requests")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["due_on"],
                name="request_open_due_idx",
                condition=Q(status__in=["received", "verified", "in_progress", "extended", "held"]),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(extended_until__isnull=True) | ~Q(extension_reason=""),
                name="request_extension_has_reason",
            )
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self):
        return self.status in self.OPEN

    @property
    def deadline(self):
        return self.extended_until or self.due_on

    @property
    def is_overdue(self):
        return self.is_open and timezone.localdate() > self.deadline


class DataRequestEvent(models.Model):
    """Every transition and note on a request: who, when, from what to what."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=150)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    internal = models.BooleanField(_("internal note"), default=False)

    class Meta:
        verbose_name = _("request history")
        verbose_name_plural = _("request history")
        ordering = ["at", "id"]

    def __str__(self):
        def label(code):
            return DataRequest.Status(code).label if code in DataRequest.Status.values else "–"

        return f"{label(self.from_status)} → {label(self.to_status)}"
