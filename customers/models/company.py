from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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

    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("company profile")
        verbose_name_plural = _("company profile")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="company_profile_singleton")]

    def __str__(self):
        return self.name or str(_("Company profile"))

    def business_line_list(self) -> list[str]:
        return [line.strip() for line in self.business_lines.splitlines() if line.strip()]
