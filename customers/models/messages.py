from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.core.fields import EncryptedTextField


class Message(models.Model):
    """One message to a customer: the outbox and the record of what was sent, when and why.

    Recipient and content are personal data and are stored encrypted.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")
        CALL = "call", _("Phone call")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        HELD = "held", _("Held")

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="messages",
        null=True,
        blank=True,
    )
    purpose = models.CharField(_("purpose"), max_length=64)
    campaign = models.ForeignKey(
        "customers.Campaign",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("campaign"),
    )
    incident = models.ForeignKey(
        "customers.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("incident"),
    )
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL
    )
    template = models.CharField(_("template"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=8, default="vi")
    recipient = EncryptedTextField(_("recipient"))
    # What the template needs besides the customer (links, dates); rendered at send time,
    # so the request that queues a message does not pay for templates and encryption.
    context = EncryptedTextField(_("template context"), blank=True)
    subject = EncryptedTextField(_("subject"), blank=True)
    body = EncryptedTextField(_("body"), blank=True)
    html_body = EncryptedTextField(_("HTML body"), blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    status_reason = models.CharField(_("reason"), max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    not_before = models.DateTimeField(
        _("not before"),
        null=True,
        blank=True,
        help_text=_("Held until then (SMS 07:00-22:00, calls 08:00-17:00 Viet Nam time)."),
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self):
        return f"{self.get_channel_display()} #{self.pk} ({self.get_status_display()})"
