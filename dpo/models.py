from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ComplianceProfile(models.Model):
    """The facts about the company that only a person can declare (one row, pk=1)."""

    class Size(models.TextChoices):
        MICRO = "micro", _("Micro enterprise or household business")
        SMALL = "small", _("Small enterprise or start-up")
        MEDIUM = "medium", _("Medium enterprise")
        LARGE = "large", _("Large enterprise")

    dpo_name = models.CharField(
        _("data-protection officer or unit"),
        max_length=200,
        blank=True,
        help_text=_("Empty: the DPO_NAME setting."),
    )
    dpo_title = models.CharField(_("title"), max_length=200, blank=True)
    dpo_email = models.EmailField(_("email"), blank=True)
    dpo_phone = models.CharField(_("phone"), max_length=40, blank=True)
    dpo_provider = models.CharField(
        _("DPO service provider"),
        max_length=200,
        blank=True,
        help_text=_("Empty when the DPO is in-house. A change starts the 10-day update clock."),
    )
    system_hosting = models.CharField(
        _("our systems are hosted in"),
        max_length=100,
        default="Việt Nam",
        help_text=_("Where the database and the backups are (shown on the data-flow diagram)."),
    )
    enterprise_size = models.CharField(
        _("enterprise size"), max_length=10, choices=Size.choices, default=Size.SMALL
    )
    offers_processing_services = models.BooleanField(
        _("offers personal-data processing services"), default=False
    )
    processes_sensitive_data = models.BooleanField(
        _("directly processes sensitive personal data"), default=False
    )
    first_processing_on = models.DateField(_("first day of processing"), null=True, blank=True)
    subjects_counted = models.PositiveBigIntegerField(
        _("distinct data subjects ever processed"),
        default=0,
        help_text=_("A high-water mark kept by the daily check; it never goes down."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("compliance profile")
        verbose_name_plural = _("compliance profile")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="dpo_profile_singleton")]

    def __str__(self):
        return str(_("Compliance profile"))


class RiskAssessment(models.Model):
    """The DPIA's risk assessment, written by the DPO; signed versions never change."""

    text = models.TextField(_("risk assessment"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed by"),
    )

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["-created_at", "-id"]
        permissions = [("sign_riskassessment", _("Can sign the risk assessment"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | Q(signed_by__isnull=False),
                name="dpo_risk_signed_has_signer",
            )
        ]

    def __str__(self):
        return _("Risk assessment #%(id)s") % {"id": self.pk}


class DossierVersion(models.Model):
    """One generated dossier: generated, reviewed, signed off by the DPO, filed."""

    class Kind(models.TextChoices):
        DPIA = "dpia", _("Impact assessment of processing (DPIA, Form 10)")
        TIA = "tia", _("Cross-border transfer assessment (Form 09)")
        ROPA = "ropa", _("Register of processing activities")
        INSPECTION = "inspection", _("Inspection pack")

    class Status(models.TextChoices):
        GENERATED = "generated", _("Generated")
        REVIEWED = "reviewed", _("Reviewed")
        SIGNED = "signed", _("Signed off by the DPO")
        FILED = "filed", _("Filed")

    kind = models.CharField(_("dossier"), max_length=12, choices=Kind.choices)
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.GENERATED
    )
    facts = models.JSONField(_("facts it was drawn from"), default=dict)
    changes = models.JSONField(_("changes since the last filed version"), default=list, blank=True)
    file = models.FileField(_("file"), upload_to="dossiers/%Y/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    generated_at = models.DateTimeField(_("generated at"), auto_now_add=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("generated by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    signed_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    filing_reference = models.CharField(_("filing reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("dossier version")
        verbose_name_plural = _("dossier versions")
        ordering = ["kind", "-number"]
        permissions = [
            ("sign_dossierversion", _("Can sign off a dossier version")),
            ("file_dossierversion", _("Can record the filing of a dossier version")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="dpo_dossier_version_unique"),
            models.CheckConstraint(
                condition=~Q(status="filed")
                | (Q(filed_on__isnull=False) & ~Q(filing_reference="")),
                name="dpo_dossier_filed_has_reference",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.number}"

    @property
    def filename(self) -> str:
        """The name it is downloaded and packed under (stored files have random names)."""
        extension = {"dpia": "pdf", "tia": "pdf", "ropa": "xlsx", "inspection": "zip"}[self.kind]
        return f"{self.kind}-v{self.number}.{extension}"


class UpdateClock(models.Model):
    """A deadline to update the filed DPIA/TIA (Law 91 Art 22; Decree 356 Art 20)."""

    class Kind(models.TextChoices):
        SIX_MONTHS = "6m", _("6 months: new purpose, recipient or personal field")
        TEN_DAYS = "10d", _("10 days: reorganisation or change of DPO provider")

    kind = models.CharField(_("clock"), max_length=3, choices=Kind.choices)
    reason = models.TextField(_("reason"))
    # What started it, so that the daily check starts one clock per change, not one a day.
    trigger_key = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(_("started at"))
    due_on = models.DateField(_("update due on"))
    reminded_on = models.DateField(_("last reminder"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        DossierVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by filing"),
    )

    class Meta:
        verbose_name = _("update clock")
        verbose_name_plural = _("update clocks")
        ordering = ["closed_at", "due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["trigger_key"],
                condition=Q(closed_at__isnull=True) & ~Q(trigger_key=""),
                name="dpo_clock_one_open_per_trigger",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.due_on}"


class AccessAlert(models.Model):
    """A staff member looked at far more customers in a day than their own usual."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("staff member"),
    )
    day = models.DateField(_("day"))
    customers_seen = models.PositiveIntegerField(_("customers looked at"))
    usual = models.FloatField(_("30-day median"))
    mailed_at = models.DateTimeField(_("DPO mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("access alert")
        verbose_name_plural = _("access alerts")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["actor", "day"], name="dpo_alert_once_a_day")
        ]

    def __str__(self):
        return f"{self.actor} · {self.day}"
