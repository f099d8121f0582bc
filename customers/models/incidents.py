from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.core.fields import EncryptedTextField


class Incident(models.Model):
    """A personal-data breach and its 72-hour clock to the authority (Law 91 Art 23)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (from a complaint)")
        OPEN = "open", _("Open")
        NOTIFIED = "notified", _("Authority notified")
        CLOSED = "closed", _("Remediated and closed")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    detected_at = models.DateTimeField(_("detected at"))
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    place = models.CharField(_("place / system"), max_length=255, blank=True)
    description = EncryptedTextField(_("what happened"))
    data_categories = models.TextField(_("data categories"), blank=True)
    volume = models.PositiveIntegerField(_("number of people affected"), default=0)
    customer_ids = models.JSONField(_("affected customers"), default=list, blank=True)
    consequences = models.TextField(_("likely consequences"), blank=True)
    measures = models.TextField(_("measures taken"), blank=True)
    harm_possible = models.BooleanField(
        _("harm to persons or security is possible"),
        default=True,
        help_text=_("If so, the authority must be notified within 72 hours of detection."),
    )
    record_document = models.FileField(
        _("signed record (biên bản)"), upload_to="incidents/%Y/", blank=True
    )
    late_notice_reason = models.TextField(_("reason for a late notice"), blank=True)
    authority_notified_at = models.DateTimeField(_("authority notified at"), null=True, blank=True)
    alarms_sent = models.JSONField(_("alarms sent"), default=list, blank=True)
    source_request = models.ForeignKey(
        "customers.DataRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("from complaint"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-detected_at"]

    def __str__(self):
        return _("Incident #%(id)s") % {"id": self.pk}


class IncidentNotice(models.Model):
    """A notice sent to the authority (Form 08), first or follow-up."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="notices")
    sent_at = models.DateTimeField(_("sent at"))
    follow_up = models.BooleanField(_("follow-up notice"), default=False)
    content = models.TextField(_("content as sent"))

    class Meta:
        verbose_name = _("notice to the authority")
        verbose_name_plural = _("notices to the authority")
        ordering = ["sent_at"]

    def __str__(self):
        return f"{self.incident_id} · {self.sent_at:%Y-%m-%d %H:%M}"
