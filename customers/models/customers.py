from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from customers.core.fields import EncryptedTextField
from customers.core.personal_data import CUSTOMER_FIELDS, search_columns

SEARCHED_NAMES = frozenset(f.name for f in CUSTOMER_FIELDS if f.search_column)


def _fold_names(customer, names) -> list[str]:
    """Write the search columns of ``names`` on ``customer``; returns the columns written."""
    folded = search_columns({name: getattr(customer, name) for name in names})
    customer.__dict__.update(folded)
    return list(folded)


class CustomerQuerySet(models.QuerySet):
    """Rows written in bulk (the import) get their search columns as ``save()`` gives them."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for customer in objs:
            _fold_names(customer, SEARCHED_NAMES)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs, names = list(objs), SEARCHED_NAMES & set(fields)
        columns = [column for customer in objs for column in _fold_names(customer, names)]
        return super().bulk_update(objs, [*fields, *dict.fromkeys(columns)], *args, **kwargs)


class Customer(models.Model):
    """A data subject: a person, or a business together with the person who acts for it.

    For a business the contact details belong to its contact person, who holds the rights.
    Contact details are encrypted; the ``*_index`` columns are HMAC blind indexes of their
    normalised values, for exact-match search (see ``customers.core.personal_data``).
    """

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        BUSINESS = "business", _("Business")

    class Source(models.TextChoices):
        WEB_FORM = "web", _("Web form")
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("Email")
        IMPORT = "import", _("Import")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        RESTRICTED = "restricted", _("Processing restricted")
        ERASED = "erased", _("Erased")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INDIVIDUAL)
    full_name = models.CharField(_("full name"), max_length=200)
    business_name = models.CharField(_("business name"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    tax_code = EncryptedTextField(_("tax code"), blank=True)
    email = EncryptedTextField(_("email"), blank=True)
    phone_mobile = EncryptedTextField(_("mobile phone"), blank=True)
    phone_home = EncryptedTextField(_("home phone"), blank=True)
    phone_office = EncryptedTextField(_("office phone"), blank=True)
    address_home = EncryptedTextField(_("home address"), blank=True)
    address_office = EncryptedTextField(_("office address"), blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)

    email_index = models.CharField(max_length=64, blank=True, editable=False)
    tax_code_index = models.CharField(max_length=64, blank=True, editable=False)
    phone_mobile_index = models.CharField(max_length=64, blank=True, editable=False)
    phone_home_index = models.CharField(max_length=64, blank=True, editable=False)
    phone_office_index = models.CharField(max_length=64, blank=True, editable=False)
    # The names folded for search (``customers.core.folding``), written on every save (the
    # database default: a process of the previous release inserting during a deploy).
    full_name_folded = models.TextField(blank=True, default="", db_default="", editable=False)
    business_name_folded = models.TextField(blank=True, default="", db_default="", editable=False)
    contact_person_folded = models.TextField(blank=True, default="", db_default="", editable=False)

    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="vi"
    )
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    contact_confirmed_at = models.DateTimeField(_("contact confirmed at"), null=True, blank=True)
    email_suspended_at = models.DateTimeField(
        _("email channel suspended at"), null=True, blank=True
    )
    email_suspension_reason = models.CharField(
        _("email suspension reason"), max_length=255, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    last_activity_at = models.DateTimeField(_("last activity"))
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)
    no_publication = models.BooleanField(
        _("never publish, not even public details"),
        default=False,
        help_text=_("The customer asked never to be listed as a reference."),
    )
    erasure_notice_sent_at = models.DateTimeField(
        _("erasure notice sent at"), null=True, blank=True
    )

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-id"]
        permissions = [
            ("export_customer", _("Can export customers to CSV")),
            ("erase_customer", _("Can erase a customer's personal data")),
        ]
        constraints = [
            # One customer per email address: a second registration merges into the first.
            models.UniqueConstraint(
                fields=["email_index"],
                condition=~Q(email_index=""),
                name="customer_unique_email",
            ),
            models.CheckConstraint(
                condition=~Q(status="erased") | Q(erased_at__isnull=False),
                name="customer_erased_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["tax_code_index"], name="customer_tax_code_idx"),
            models.Index(fields=["phone_mobile_index"], name="customer_phone_mobile_idx"),
            models.Index(fields=["phone_home_index"], name="customer_phone_home_idx"),
            models.Index(fields=["phone_office_index"], name="customer_phone_office_idx"),
            models.Index(fields=["last_activity_at"], name="customer_last_activity_idx"),
            models.Index(
                fields=["created_at"],
                name="customer_unconfirmed_idx",
                condition=Q(contact_confirmed_at__isnull=True, source="web"),
            ),
        ]

    def __str__(self):
        if self.status == self.Status.ERASED:
            return _("Erased customer #%(id)s") % {"id": self.pk}
        return self.business_name or self.full_name

    def save(self, *args, update_fields=None, **kwargs):
        # The search columns follow the names, however the row is saved.
        names = SEARCHED_NAMES
        if update_fields is not None:
            names = names & set(update_fields)
        folded = _fold_names(self, names)
        if update_fields is not None:
            update_fields = [*update_fields, *folded]
        super().save(*args, update_fields=update_fields, **kwargs)

    def get_absolute_url(self):
        return reverse("admin:customers_customer_change", args=[self.pk])

    @property
    def is_erased(self):
        return self.status == self.Status.ERASED

    @property
    def email_suspended(self):
        return self.email_suspended_at is not None

    @property
    def awaits_confirmation(self):
        """Registered through a public form, the link sent to the address never opened:
        anyone could have typed it, so its consents are not acted on yet (the query form of
        this is ``customers.core.selectors.UNCONFIRMED_WEB_REGISTRATION``)."""
        return self.source == self.Source.WEB_FORM and self.contact_confirmed_at is None


class CustomerChange(models.Model):
    """Who changed which fields of a customer, when, and the values before and after.

    The values are personal data, so the diff is stored encrypted; erasure wipes it.
    """

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="changes", verbose_name=_("customer")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    actor_label = models.CharField(_("changed by"), max_length=150)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    fields = models.JSONField(_("fields"), default=list)
    diff = EncryptedTextField(_("values"), blank=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer change")
        verbose_name_plural = _("customer changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        from django.utils import formats, timezone

        when = formats.date_format(timezone.localtime(self.changed_at), "SHORT_DATETIME_FORMAT")
        return f"{self.actor_label} {when}"


class UnconfirmedRegistration(Customer):
    """Web registrations whose contact details were never confirmed (a staff follow-up list)."""

    class Meta:
        proxy = True
        verbose_name = _("unconfirmed registration")
        verbose_name_plural = _("unconfirmed registrations")
