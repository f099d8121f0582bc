from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RetentionRule(models.Model):
    """How long a category of data is kept, from what moment, and on what basis.

    Periods are data, not code: the law and the company's policy change. A period cannot
    be set below the legal minimum where one exists (``minimum_months``).
    """

    class Category(models.TextChoices):
        CUSTOMER = "customer", _("Customer personal data")
        SERVICE_ENDED = "service_ended", _("Customer personal data after the last service ends")
        ACC_5Y = "acc_5y", _("Accounting documents, 5-year class")
        ACC_10Y = "acc_10y", _("Accounting documents, 10-year class")
        ACC_PERMANENT = "acc_permanent", _("Accounting documents, permanent class")
        SUBMISSION = "submission", _("Web-form submissions")
        COOKIE_CONSENT = "cookie_consent", _("Cookie-consent records")
        ACCESS_LOG = "access_log", _("Access-log entries")
        REQUEST = "request", _("Customer request records")
        INCIDENT = "incident", _("Incident files")
        MARKETING_CONSENT = "marketing_consent", _("Marketing consent records")

    class Anchor(models.TextChoices):
        LAST_ACTIVITY = "last_activity", _("Last activity or end of the last service")
        SERVICE_END = "service_end", _("End of the last service (or later activity)")
        WARRANTY_END = "warranty_end", _("End of the warranty")
        FISCAL_YEAR_END = "fiscal_year_end", _("End of the fiscal year")
        CREATION = "creation", _("Creation")
        CLOSURE = "closure", _("Closure")

    class Action(models.TextChoices):
        ERASE = "erase", _("Erase (keep an erasure certificate)")
        PROPOSE_DESTRUCTION = "propose", _("Propose for destruction (a person approves)")
        DELETE = "delete", _("Delete")
        KEEP = "keep", _("Keep (no automatic action)")

    category = models.CharField(_("category"), max_length=20, choices=Category.choices, unique=True)
    period_months = models.PositiveIntegerField(
        _("period (months)"), null=True, blank=True, help_text=_("Empty: kept permanently.")
    )
    anchor = models.CharField(_("counted from"), max_length=20, choices=Anchor.choices)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    legal_basis = models.TextField(_("legal basis"))
    minimum_months = models.PositiveIntegerField(
        _("legal minimum (months)"), default=0, editable=False
    )
    notice_days = models.PositiveIntegerField(
        _("notice before erasure (days)"),
        default=0,
        help_text=_("Customers are told this many days before an erasure for inactivity."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["category"]

    def __str__(self):
        return self.get_category_display()

    def clean(self):
        if self.period_months is not None and self.period_months < self.minimum_months:
            raise ValidationError(
                {
                    "period_months": _(
                        "The law requires at least %(months)s months for this category."
                    )
                    % {"months": self.minimum_months}
                }
            )


class LegalHold(models.Model):
    """Stops every deletion of a customer's data (a dispute, an investigation)."""

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="legal_holds",
        verbose_name=_("customer"),
    )
    reason = models.TextField(_("reason"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("placed by"),
    )
    placed_at = models.DateTimeField(_("placed at"), auto_now_add=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        indexes = [
            models.Index(
                fields=["customer"],
                name="legalhold_active_idx",
                condition=Q(released_at__isnull=True),
            )
        ]

    def __str__(self):
        return f"#{self.customer_id}: {self.reason[:40]}"


class ErasureCertificate(models.Model):
    """The tombstone of an erasure: when, why, under which rule, what was kept and until
    when. It holds no personal data, only the customer's number."""

    class Trigger(models.TextChoices):
        REQUEST = "request", _("The customer's deletion request")
        INACTIVITY = "inactivity", _("The retention period ended (inactivity or end of service)")
        STAFF = "staff", _("Company decision")
        IMPORT_UNDONE = "import_undo", _("An import undone")

    customer = models.OneToOneField(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="erasure_certificate",
        verbose_name=_("customer"),
    )
    erased_at = models.DateTimeField(_("erased at"), auto_now_add=True)
    trigger = models.CharField(_("trigger"), max_length=12, choices=Trigger.choices)
    rule = models.ForeignKey(
        RetentionRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rule"),
    )
    reason = models.TextField(_("reason"), blank=True)
    actor_label = models.CharField(_("by"), max_length=150)
    kept = models.JSONField(_("kept, why and until when"), default=list)
    counts = models.JSONField(_("what was erased"), default=dict)

    class Meta:
        verbose_name = _("erasure certificate")
        verbose_name_plural = _("erasure certificates")
        ordering = ["-erased_at"]

    def __str__(self):
        # The day in Vietnam: an erasure at 02:00 on 06/12 is not one of 05/12 (UTC).
        return f"#{self.customer_id} · {timezone.localtime(self.erased_at):%d/%m/%Y}"


class RetentionRun(models.Model):
    """One sweep: its plan and what it did, per rule (counts only)."""

    day = models.DateField(_("day"))
    scheduled = models.BooleanField(_("scheduled"), default=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at"]
        constraints = [
            # Two beat processes started by mistake still plan each daily sweep once.
            models.UniqueConstraint(
                fields=["day"],
                condition=Q(scheduled=True, dry_run=False),
                name="retention_one_scheduled_run_a_day",
            )
        ]

    def __str__(self):
        shown = self.day.strftime("%d/%m/%Y") if self.day else "–"
        return f"{shown} {_('(dry run)') if self.dry_run else ''}".strip()


class DestructionList(models.Model):
    """Accounting documents past their legal period, proposed for destruction.

    Nothing is destroyed until an authorised person approves the list (Decree 174/2016
    Art 16); the approval produces the minutes, which are themselves kept 10 years.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        DESTROYED = "destroyed", _("Destroyed")

    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    document_ids = models.JSONField(_("documents"), default=list)
    description = models.JSONField(_("list of documents"), default=list)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    council = models.TextField(_("destruction council (names and titles)"), blank=True)
    minutes = models.TextField(_("minutes (biên bản tiêu hủy)"), blank=True)
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("destruction list")
        verbose_name_plural = _("destruction lists")
        ordering = ["-proposed_at"]

    def __str__(self):
        return f"{timezone.localtime(self.proposed_at):%d/%m/%Y} ({len(self.document_ids)})"


class JournalMark(models.Model):
    """How far the erasure journal (privacysite.journal, outside the database) had got when
    this row was written: by ``setup_site``, by ``scripts/backup.sh`` just before its dump
    and by ``after_restore``. A dump carries its newest mark, and a restore refuses a journal
    that does not hold every entry up to it: another journal, a new empty one, one cut short.
    Names of entries and a count: no personal data."""

    journal = models.CharField(max_length=100, help_text="The journal's first 'opened' entry.")
    head = models.CharField(max_length=100, help_text="Its newest entry when marked.")
    entries = models.PositiveIntegerField(help_text="Entries up to and including the head.")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("erasure journal mark")
        verbose_name_plural = _("erasure journal marks")

    def __str__(self):
        return f"{self.head} ({self.entries})"


class KeysInForce(models.Model):
    """Fingerprints (truncated SHA-256, never the keys) of the keys every node must run on:
    SECRET_KEY, FIELD_ENCRYPTION_KEYS, BLIND_INDEX_KEY. One row, written by ``keys_record``
    (and by setup_site and the rotations); a node whose own differ missed a key change
    (customers.audit.key_consistency: /status, /metrics, ``manage.py check``)."""

    fingerprints = models.JSONField(default=dict)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("keys in force")
        verbose_name_plural = _("keys in force")

    def __str__(self):
        return str(self.recorded_at)
