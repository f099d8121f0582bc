from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """One file of customers (with their services and accounting documents) brought in from
    the company's earlier tools: read, previewed, confirmed by a person, written, and undoable
    as a whole for ``IMPORT_UNDO_DAYS`` days (``customers.imports``)."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded, waiting to be read")
        NEEDS_MAPPING = "needs_mapping", _("Needs column mapping")
        PREVIEWING = "previewing", _("Reading the file")
        PREVIEWED = "previewed", _("Preview ready: waiting for confirmation")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        CANCELLED = "cancelled", _("Cancelled")
        ABANDONED = "abandoned", _("Abandoned without importing")
        UNDONE = "undone", _("Undone")
        FAILED = "failed", _("Failed")

    ACTIVE = (Status.UPLOADED, Status.PREVIEWING, Status.IMPORTING)

    file = models.FileField(_("file"), upload_to="imports", blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), default=0)
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.UPLOADED
    )
    dry_run = models.BooleanField(_("preview only"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    created_by_label = models.CharField(_("imported by"), max_length=150)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_by_label = models.CharField(_("confirmed by"), max_length=150, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    # Progress of the current step (preview or import), updated by the worker per chunk.
    step_started_at = models.DateTimeField(_("step started at"), null=True, blank=True)
    progress = models.FloatField(_("progress"), default=0)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_new = models.PositiveIntegerField(_("new customers"), default=0)
    rows_matched = models.PositiveIntegerField(_("matching existing customers"), default=0)
    rows_error = models.PositiveIntegerField(_("rows with errors"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    customers_created = models.PositiveIntegerField(_("customers created"), default=0)
    services_created = models.PositiveIntegerField(_("services created"), default=0)
    documents_created = models.PositiveIntegerField(_("accounting documents created"), default=0)
    consents_recorded = models.PositiveIntegerField(_("consents recorded"), default=0)
    notices_queued = models.PositiveIntegerField(_("notices queued"), default=0)
    failure = models.CharField(_("why it failed"), max_length=255, blank=True)
    # The header row (names only, never a cell value) when it does not follow the template,
    # and the mapping of its columns the preview used.
    file_headers = models.JSONField(_("file headers"), default=list, blank=True)
    column_mapping = models.ForeignKey(
        "customers.ColumnMapping",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("column mapping"),
    )

    class Meta:
        verbose_name = _("customer import")
        verbose_name_plural = _("customer imports")
        ordering = ["-created_at"]

    def __str__(self):
        return _("Import #%(id)s") % {"id": self.pk}


class ColumnMapping(models.Model):
    """Which column of a file laid out differently is which template column, remembered for
    the company by the file's header row: the next file with the same headers is mapped
    without asking. ``mapping`` is {template column key: the file's header}."""

    headers_key = models.CharField(_("headers key"), max_length=64, unique=True)
    headers = models.JSONField(_("file headers"), default=list)
    mapping = models.JSONField(_("mapping"), default=dict)
    created_by_label = models.CharField(_("set by"), max_length=150)
    updated_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")

    def __str__(self):
        return _("Column mapping #%(id)s") % {"id": self.pk}


class ImportIssue(models.Model):
    """What the preview found on one row: an error (the row is not imported), a warning (it
    is, without what the warning names) or a match with a customer already known. The text
    names the row and the column, never the value read (which may be personal data)."""

    class Level(models.TextChoices):
        ERROR = "error", _("Error")
        WARNING = "warning", _("Warning")
        MATCH = "match", _("Matches an existing customer")

    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="issues", verbose_name=_("import")
    )
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=100, blank=True)
    level = models.CharField(_("kind"), max_length=8, choices=Level.choices)
    code = models.CharField(max_length=40)
    message = models.CharField(_("message"), max_length=300)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )

    class Meta:
        verbose_name = _("import issue")
        verbose_name_plural = _("import issues")
        ordering = ["row", "id"]
        indexes = [models.Index(fields=["batch", "level", "row"], name="importissue_batch_idx")]

    def __str__(self):
        return f"#{self.batch_id} · {self.row}"


class ImportedCustomer(models.Model):
    """Provenance and lawful basis of one customer an import created or matched."""

    class Channel(models.TextChoices):
        WEB_FORM = "web", _("Web form")
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("Email")
        IN_PERSON = "in_person", _("In person")
        PAPER = "paper", _("Paper contract or form")
        OTHER = "other", _("Other")

    class Basis(models.TextChoices):
        CONTRACT = "contract", _("Contract (the customer has a service)")
        LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation (accounting documents)")
        LEGITIMATE = "legitimate", _("Earlier customer relationship, told of the import")

    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, related_name="customers", verbose_name=_("import")
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="imports",
        verbose_name=_("customer"),
    )
    row = models.PositiveIntegerField(_("row"))
    created = models.BooleanField(_("created by this import"), default=True)
    collected_channel = models.CharField(
        _("originally collected through"), max_length=10, choices=Channel.choices, blank=True
    )
    collected_on = models.DateField(_("originally collected on"), null=True, blank=True)
    lawful_basis = models.CharField(_("lawful basis"), max_length=20, choices=Basis.choices)
    # Past the inactivity period already when imported: the DPO looks before any erasure.
    inactive_at_import = models.BooleanField(_("inactive past the period when imported"))
    reviewed_at = models.DateTimeField(_("reviewed by the DPO at"), null=True, blank=True)
    reviewed_by_label = models.CharField(_("reviewed by"), max_length=150, blank=True)
    notice_message = models.ForeignKey(
        "customers.Message",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("notice of the import"),
    )
    notice_done = models.BooleanField(_("told of the import (or no channel)"), default=False)

    class Meta:
        verbose_name = _("imported customer")
        verbose_name_plural = _("imported customers")
        ordering = ["batch", "row"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "customer"], name="importedcustomer_once")
        ]
        indexes = [
            models.Index(
                fields=["batch"],
                name="importedcustomer_notice_idx",
                condition=Q(notice_done=False),
            ),
            models.Index(
                fields=["customer"],
                name="importedcustomer_review_idx",
                condition=Q(inactive_at_import=True, reviewed_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"#{self.batch_id} · {self.row}"


class ImportedCustomerReview(ImportedCustomer):
    """The DPO's list: imported customers already past the inactivity period."""

    class Meta:
        proxy = True
        verbose_name = _("imported customer to review before erasure")
        verbose_name_plural = _("imported customers to review before erasure")
