from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Recipient(models.Model):
    """Who receives customer data: processors, partners, authorities (docs/legal.md §7.11)."""

    class Kind(models.TextChoices):
        PROCESSOR = "processor", _("Processor (acts on our behalf)")
        PARTNER = "partner", _("Partner (needs the customer's consent)")
        AUTHORITY = "authority", _("Authority")

    class Hosting(models.TextChoices):
        VIETNAM = "vn", _("Viet Nam")
        ABROAD = "abroad", _("Abroad")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    purpose = models.TextField(_("purpose"))
    data_categories = models.TextField(_("data categories"))
    # The English policy page names them in English; empty, it shows the Vietnamese.
    purpose_en = models.TextField(
        _("purpose (English)"), blank=True, help_text=_("For the English policy page.")
    )
    data_categories_en = models.TextField(
        _("data categories (English)"), blank=True, help_text=_("For the English policy page.")
    )
    hosted_in = models.CharField(
        _("data hosted in"), max_length=6, choices=Hosting.choices, default=Hosting.VIETNAM
    )
    active = models.BooleanField(
        _("in use"),
        default=True,
        help_text=_(
            "Register a new recipient abroad as not in use, file the cross-border transfer "
            "assessment that covers it, then put it in use."
        ),
    )
    # What the cross-border assessment names for each recipient (Decree 356 Art 17-18).
    country = models.CharField(
        _("country where the data is stored or processed"),
        max_length=100,
        blank=True,
        help_text=_("Required for a recipient abroad (for example: Singapore, Đức)."),
    )
    address = models.CharField(_("recipient's address"), max_length=300, blank=True)
    contact = models.CharField(_("contact (person, email or phone)"), max_length=300, blank=True)
    # The purposes this recipient serves, as the register declares them: the impact
    # assessment lists each recipient under these purposes only.
    purposes = models.ManyToManyField(
        "consents.Purpose",
        blank=True,
        related_name="recipients",
        verbose_name=_("purposes it serves"),
    )
    agreement_date = models.DateField(_("written agreement dated"), null=True, blank=True)
    confidentiality_commitment = models.BooleanField(
        _("confidentiality commitment signed"), default=False
    )
    notice_email = models.EmailField(
        _("address for deletion and correction notices"),
        blank=True,
        help_text=_(
            "Notices to delete or correct a customer's data go here; empty: the "
            "data-protection role sends them another way and records that it did."
        ),
    )
    ended_on = models.DateField(_("relationship ended on"), null=True, blank=True)
    deletion_confirmed_at = models.DateField(_("deletion confirmed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Disclosure(models.Model):
    """One sharing of customer data: to whom, whose, which fields, on what basis, by whom."""

    class Basis(models.TextChoices):
        CONSENT = "consent", _("The customer's consent")
        CONTRACT = "contract", _("Contract with a processor")
        LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")

    recipient = models.ForeignKey(
        Recipient, on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("recipient")
    )
    customer_ids = models.JSONField(_("customers"), default=list)
    fields = models.JSONField(_("fields"), default=list)
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=Basis.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.recipient} · {self.at:%Y-%m-%d}"


class LegalDisclosureRequest(models.Model):
    """A mandatory disclosure asked by an authority, decided by the data-protection role."""

    class Authority(models.TextChoices):
        POLICE = "police", _("Police")
        PROCURACY = "procuracy", _("Procuracy")
        COURT = "court", _("Court")
        OTHER = "other", _("Other authority")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        OBJECTION_WINDOW = "objection", _("Customer told; objection window open")
        READY = "ready", _("Ready to disclose")
        POSTPONED = "postponed", _("Postponed (objection before a court)")
        STOPPED = "stopped", _("Stopped (objection upheld)")
        DISCLOSED = "disclosed", _("Disclosed")

    authority = models.CharField(_("authority"), max_length=10, choices=Authority.choices)
    authority_name = models.CharField(_("requesting body and officer"), max_length=255)
    document_reference = models.CharField(_("document reference"), max_length=100)
    document = models.FileField(_("written request"), upload_to="disclosures/%Y/")
    legal_basis_cited = models.TextField(_("legal basis cited"))
    data_requested = models.TextField(_("data asked for"))
    deadline = models.DateField(_("deadline"))
    customer_ids = models.JSONField(_("customers concerned"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    may_notify_customer = models.BooleanField(_("may we tell the customer"), null=True)
    notify_reason = models.TextField(_("why (not) tell the customer"), blank=True)
    objection_until = models.DateTimeField(_("objection window until"), null=True, blank=True)
    objection_received = models.BooleanField(_("the customer objected"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    disclosed_at = models.DateTimeField(_("disclosed at"), null=True, blank=True)
    disclosed_fields = models.JSONField(_("fields given"), default=list, blank=True)
    disclosed_form = models.CharField(_("form given in"), max_length=100, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("legal disclosure request")
        verbose_name_plural = _("legal disclosure requests")
        ordering = ["deadline"]

    def __str__(self):
        return f"{self.get_authority_display()} {self.document_reference}"
