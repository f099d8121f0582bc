from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.core.company import company_cache_clear


class Channel(models.TextChoices):
    """The ways the company collects personal data (what the policy says it collects through)."""

    WEB_FORM = "web", _("Web forms on this website")
    PHONE = "phone", _("Phone calls recorded by staff")
    EMAIL = "email", _("Email")
    IN_PERSON = "in_person", _("In person or by letter")


def all_channels() -> list[str]:
    return list(Channel.values)


class CompanyProfile(models.Model):
    """Who the company is and who its data-protection officer is (one row, pk=1).

    The published policy, the dossiers and the notices draw the collector's identity and the
    DPO's contact from here; ``customers.core.company.company_profile`` creates the row on first
    use from the ORG_* and DPO_* settings, so an install that never edits it sees no change.
    """

    class CompanyType(models.TextChoices):
        LLC_ONE = "llc_one", _("Single-member limited liability company")
        LLC_MULTI = "llc_multi", _("Limited liability company with two or more members")
        JOINT_STOCK = "joint_stock", _("Joint-stock company")
        PARTNERSHIP = "partnership", _("Partnership")
        PRIVATE = "private", _("Private enterprise")
        HOUSEHOLD = "household", _("Household business")

    # Identity (the controller named on the policy, Law 91 Art 2; Decree 356 Art 4).
    name = models.CharField(_("company name"), max_length=255)
    address = models.CharField(_("head-office address"), max_length=500, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=20, blank=True)
    website = models.URLField(_("website"), blank=True)
    company_type = models.CharField(
        _("type of enterprise"),
        max_length=20,
        choices=CompanyType.choices,
        default=CompanyType.LLC_MULTI,
    )
    business_lines = models.TextField(
        _("business lines"), blank=True, help_text=_("One business line per line.")
    )
    legal_representative = models.CharField(_("legal representative"), max_length=200, blank=True)
    legal_representative_title = models.CharField(
        _("legal representative's title"), max_length=200, blank=True
    )

    # The data-protection officer (Law 91 Art 33; Decree 356 Arts 13-15).
    dpo_name = models.CharField(
        _("data-protection officer or unit"),
        max_length=200,
        blank=True,
        help_text=_("The unit or the person named on the policy and in breach notices."),
    )
    dpo_person = models.CharField(
        _("named person in charge"),
        max_length=200,
        blank=True,
        help_text=_("The person responsible, when the DPO above is a unit; may be empty."),
    )
    dpo_title = models.CharField(_("DPO's title"), max_length=200, blank=True)
    dpo_email = models.EmailField(_("DPO's email"), blank=True)
    dpo_phone = models.CharField(_("DPO's phone"), max_length=40, blank=True)
    dpo_appointment_ref = models.CharField(
        _("appointment decision number"), max_length=100, blank=True
    )
    dpo_appointment_date = models.DateField(_("appointment date"), null=True, blank=True)

    # The policy's choices (issue 29): what the software enforces and the page states.
    preset = models.CharField(
        _("set up from the policy of"),
        max_length=20,
        blank=True,
        help_text=_("The policy chosen when the site was first installed."),
    )
    hosting_location = models.CharField(
        _("data hosted at"),
        max_length=200,
        default="Việt Nam",
        help_text=_("Where the database and the backups are: provider and country."),
    )
    hosted_abroad = models.BooleanField(
        _("our own systems are hosted outside Viet Nam"),
        default=False,
        help_text=_("Needs a filed cross-border transfer assessment (the DPO's TIA)."),
    )
    partners_allowed = models.BooleanField(
        _("we may share data with partners (with each customer's consent)"),
        default=True,
        help_text=_(
            "Off: no partner may be registered or receive data, the partner-sharing purpose is "
            "retired and earlier consents to it stop counting."
        ),
    )
    field_access = models.JSONField(
        _("which customer fields each role sees"),
        default=dict,
        blank=True,
        help_text=_(
            "Per role: the fields shown in clear and those that may be revealed one at a time. "
            "A role left out keeps the built-in table."
        ),
    )
    collection_channels = models.JSONField(
        _("channels we collect through"), default=all_channels, blank=True
    )
    requests_email = models.EmailField(
        _("email for requests and complaints"),
        blank=True,
        help_text=_("Empty: the company's email."),
    )
    requests_phone = models.CharField(
        _("phone for requests and complaints"),
        max_length=40,
        blank=True,
        help_text=_("Empty: the company's phone."),
    )
    complaints_contact = models.TextField(
        _("other ways to complain"),
        blank=True,
        help_text=_("E.g. the office where a letter or a visit is received."),
    )

    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("company profile")
        verbose_name_plural = _("company profile")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="company_profile_singleton")]

    def __str__(self):
        return self.name or str(_("Company profile"))

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        company_cache_clear()

    def requests_contact(self) -> tuple[str, str]:
        return self.requests_email or self.email, self.requests_phone or self.phone

    def business_line_list(self) -> list[str]:
        return [line.strip() for line in self.business_lines.splitlines() if line.strip()]
