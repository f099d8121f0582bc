from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.core.fields import EncryptedTextField


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
        CONFIRMING = "confirming", _("Waiting for the customer's confirmation")
        ANSWERED = "answered", _("Answered")
        REJECTED = "rejected", _("Refused")
        # The end states that are the effect asked for (customers.requests.workflow).
        ERASED = "erased", _("Data erased")
        APPLIED = "applied", _("Correction applied")
        COPY_SENT = "copy_sent", _("Copy sent")
        RESTRICTED = "restricted", _("Processing restricted")
        WITHDRAWN = "withdrawn", _("Consent withdrawn")

    OPEN = (
        Status.RECEIVED,
        Status.VERIFIED,
        Status.IN_PROGRESS,
        Status.EXTENDED,
        Status.HELD,
        Status.CONFIRMING,
    )

    class Channel(models.TextChoices):
        WEB = "web", _("My-data page")
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("Email")
        LETTER = "letter", _("Letter")
        IN_PERSON = "in_person", _("In person")

    class IdentityCheck(models.TextChoices):
        LINK = "link", _("Opened the link sent to the email address on file")
        CALL_BACK = "call_back", _("Called back on the phone number on file")
        EMAIL_REPLY = "email_reply", _("Replied from the email address on file")
        ID_SEEN = "id_seen", _("Identity document seen in person")
        LETTER_SIGNED = "letter_signed", _("Signed letter with a copy of an identity document")

    class RefusalGround(models.TextChoices):
        """Lawful grounds for not deleting (Law 91/2025 Art 4; Decree 356/2025 Art 5)."""

        LEGAL_HOLD = "legal_hold", _("A legal hold (an authority's request) is in force")
        RETENTION_DUTY = "retention_duty", _("A law requires us to keep the data")
        LEGAL_PROCEEDINGS = "proceedings", _("Open legal proceedings need the data")
        CONTRACT = "contract", _("The customer kept the contract that needs the data")
        IDENTITY = "identity", _("The requester's identity could not be verified")
        UNFOUNDED = "unfounded", _("The request is manifestly unfounded or repeated")

    class ComplaintCategory(models.TextChoices):
        MISUSE = "misuse", _("Misuse of my data")
        LEAK = "leak", _("My data leaked to a third party")
        MARKETING = "marketing", _("Marketing without my consent")
        OTHER = "other", _("Other")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    submission_key = models.CharField(max_length=32, blank=True, default="", editable=False)
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
    channel = models.CharField(
        _("received through"), max_length=10, choices=Channel.choices, default=Channel.WEB
    )
    identity_check = models.CharField(
        _("identity verified by"), max_length=14, choices=IdentityCheck.choices, blank=True
    )
    refusal_ground = models.CharField(
        _("legal ground of the refusal"), max_length=14, choices=RefusalGround.choices, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    certificate = models.ForeignKey(
        "customers.ErasureCertificate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("erasure certificate"),
    )
    # The values before a correction, kept for good next to ``proposed_changes`` (the new ones).
    previous_values = EncryptedTextField(_("values before the correction"), blank=True)
    copy_sent_via = models.CharField(_("copy sent by"), max_length=10, blank=True)
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
                condition=Q(
                    status__in=[
                        "received",
                        "verified",
                        "in_progress",
                        "extended",
                        "held",
                        "confirming",
                    ]
                ),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(extended_until__isnull=True) | ~Q(extension_reason=""),
                name="request_extension_has_reason",
            ),
            # The same rendered form sent twice (a double click, a reload) is one request.
            models.UniqueConstraint(
                fields=["customer", "submission_key"],
                condition=~Q(submission_key=""),
                name="request_once_per_rendered_form",
            ),
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
            if code in DataRequest.Status.values:
                return str(DataRequest.Status(code).label)
            return code or "–"

        return f"{label(self.from_status)} → {label(self.to_status)}"
