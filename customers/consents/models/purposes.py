import hashlib

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Purpose(models.Model):
    """A purpose of processing, with the exact wording a customer agrees to."""

    class LegalBasis(models.TextChoices):
        CONTRACT = "contract", _("Performance of a contract")
        CONSENT = "consent", _("Consent")
        LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")

    class Channel(models.TextChoices):
        NONE = "", _("Any")
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")
        PHONE = "phone", _("Phone call")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    description_vi = models.TextField(_("consent wording (Vietnamese)"))
    description_en = models.TextField(_("consent wording (English)"))
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices)
    optional = models.BooleanField(
        _("optional"),
        default=True,
        help_text=_("Optional purposes need the customer's consent and can be withdrawn."),
    )
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, blank=True, default=""
    )
    is_marketing = models.BooleanField(_("marketing"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("purpose")
        verbose_name_plural = _("purposes")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name()

    def name(self):
        return self.name_en if get_language() == "en" else self.name_vi

    def description(self):
        return self.description_en if get_language() == "en" else self.description_vi

    def wording(self, language):
        return self.description_en if language == "en" else self.description_vi

    @property
    def wording_hash(self):
        """Identifies the wording in both languages: a change asks for re-confirmation."""
        text = f"{self.description_vi}\x00{self.description_en}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
