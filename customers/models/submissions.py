from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.core.fields import EncryptedTextField


class Submission(models.Model):
    """A web form submission kept as received: what, when, from which IP, under which policy."""

    class Form(models.TextChoices):
        REGISTRATION = "register", _("Registration")
        SERVICE_REQUEST = "service_request", _("Service request")

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="submissions",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        help_text=_("Empty for a few seconds, until a worker has processed the submission."),
    )
    form = models.CharField(_("form"), max_length=20, choices=Form.choices)
    data = EncryptedTextField(_("data as received"))
    ip_address = EncryptedTextField(_("IP address"), blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    policy_version = models.ForeignKey(
        "consents.PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("policy version shown"),
    )
    language = models.CharField(_("language"), max_length=8)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    # Accepted first (one INSERT while the customer waits), processed by a worker: the
    # customer found or created and merged, consents recorded, the confirmation queued.
    pending = EncryptedTextField(_("waiting to be processed"), blank=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    problem = models.CharField(_("why processing stopped"), max_length=255, blank=True)
    # The public forms' guards, kept by the INSERT itself (customers.records.submissions):
    # one row per rendered form (the same form sent twice is stored once), and at most
    # FORM_RATE_LIMIT rows per sender in its window, counted by a keyed hash of the address.
    # NULL, not "", for a row without one: NULLs never collide in the unique constraint.
    submission_key = models.CharField(  # noqa: DJ001
        _("form key"), max_length=64, null=True, blank=True, editable=False
    )
    sender_index = models.CharField(
        _("sender (keyed hash of the address)"), max_length=64, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        ordering = ["-received_at"]
        indexes = [
            models.Index(
                fields=["received_at"],
                name="submission_pending_idx",
                condition=models.Q(processed_at__isnull=True),
            ),
            models.Index(fields=["sender_index", "received_at"], name="submission_sender_idx"),
        ]
        constraints = [
            # A constraint, not unique=True: no second (LIKE) index for PostgreSQL to keep.
            models.UniqueConstraint(fields=["submission_key"], name="submission_key_once"),
        ]

    def __str__(self):
        return f"{self.get_form_display()} #{self.pk}"
