from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Campaign(models.Model):
    """A marketing email or survey, composed once in both languages, sent in batches."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    purpose = models.ForeignKey(
        "consents.Purpose", on_delete=models.PROTECT, related_name="+", verbose_name=_("purpose")
    )
    subject_vi = models.CharField(_("subject (Vietnamese)"), max_length=200)
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    body_vi = models.TextField(_("text (Vietnamese)"))
    body_en = models.TextField(_("text (English)"))
    product = models.CharField(
        _("product concerned"),
        max_length=100,
        blank=True,
        help_text=_(
            "For a notice on the contract basis (a change to a product): it goes to every "
            "customer with an active service of this product, without consent, so it must "
            "carry no advertising."
        ),
    )
    channel = models.CharField(
        _("channel"),
        max_length=8,
        choices=[("", _("As the purpose says")), ("email", _("Email")), ("sms", _("SMS"))],
        blank=True,
        default="",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    audience_size = models.PositiveIntegerField(_("audience at send time"), default=0)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-id"]

    def __str__(self):
        return self.subject_vi


class CallTask(models.Model):
    """A call for sales to make (a customer who prefers the phone, or one with neither email
    nor mobile who must be told of the retention erasure)."""

    # The call that tells the customer of the erasure: done, it starts the notice period.
    ERASURE_NOTICE = "erasure_notice"

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="call_tasks",
        verbose_name=_("customer"),
    )
    purpose = models.CharField(_("purpose"), max_length=64)
    note = models.CharField(_("note"), max_length=255)
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("call to make")
        verbose_name_plural = _("calls to make")
        ordering = ["due_on"]

    def __str__(self):
        return f"{self.customer_id}: {self.note}"
