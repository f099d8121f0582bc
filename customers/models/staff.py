from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ConfidentialityAgreement(models.Model):
    """The text staff sign before they see any customer data (Decree 356 Art 7(4))."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    text_vi = models.TextField(_("text (Vietnamese)"))
    text_en = models.TextField(_("text (English)"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("confidentiality agreement")
        verbose_name_plural = _("confidentiality agreements")
        ordering = ["-version"]

    def __str__(self):
        return _("Confidentiality agreement v%(version)s") % {"version": self.version}

    def text(self):
        return self.text_en if get_language() == "en" else self.text_vi


class AgreementAcceptance(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="agreement_acceptances",
        verbose_name=_("staff member"),
    )
    agreement = models.ForeignKey(
        ConfidentialityAgreement,
        on_delete=models.PROTECT,
        related_name="acceptances",
        verbose_name=_("agreement"),
    )
    accepted_at = models.DateTimeField(_("accepted at"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("agreement acceptance")
        verbose_name_plural = _("agreement acceptances")
        constraints = [
            models.UniqueConstraint(fields=["user", "agreement"], name="agreement_accepted_once")
        ]

    def __str__(self):
        return f"{self.user} · v{self.agreement.version}"
