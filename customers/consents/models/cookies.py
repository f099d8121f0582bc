import uuid

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class CookieCategory(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    description_vi = models.TextField(_("description (Vietnamese)"))
    description_en = models.TextField(_("description (English)"))
    required = models.BooleanField(
        _("strictly necessary"),
        default=False,
        help_text=_("Necessary cookies are always on and cannot be refused."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("cookie category")
        verbose_name_plural = _("cookie categories")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name()

    def name(self):
        return self.name_en if get_language() == "en" else self.name_vi

    def description(self):
        return self.description_en if get_language() == "en" else self.description_vi


class Cookie(models.Model):
    class Party(models.TextChoices):
        FIRST = "first", _("First party")
        THIRD = "third", _("Third party")

    category = models.ForeignKey(
        CookieCategory, on_delete=models.CASCADE, related_name="cookies", verbose_name=_("category")
    )
    name = models.CharField(_("cookie name"), max_length=100)
    purpose_vi = models.CharField(_("purpose (Vietnamese)"), max_length=255)
    purpose_en = models.CharField(_("purpose (English)"), max_length=255)
    duration = models.CharField(_("duration"), max_length=50)
    party = models.CharField(_("party"), max_length=5, choices=Party.choices, default=Party.FIRST)

    class Meta:
        verbose_name = _("cookie")
        verbose_name_plural = _("cookies")
        ordering = ["category__order", "name"]

    def __str__(self):
        return self.name

    def purpose(self):
        return self.purpose_en if get_language() == "en" else self.purpose_vi

    def duration_shown(self):
        """The duration in the reader's language ("90 ngày / 90 days" holds both)."""
        vi, _sep, en = self.duration.partition(" / ")
        return (en or vi) if get_language() == "en" else vi


class CookiePolicyVersion(models.Model):
    """Publishing a new version asks every visitor to choose again."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    notes = models.TextField(_("what changed"), blank=True)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cookie policy version")
        verbose_name_plural = _("cookie policy versions")
        ordering = ["-number"]

    def __str__(self):
        return _("Cookie policy v%(number)s") % {"number": self.number}


class CookieConsent(models.Model):
    """Server-side proof of one cookie choice (legal evidence: written once, never changed)."""

    consent_id = models.UUIDField(_("consent id"), default=uuid.uuid4, editable=False)
    categories = models.JSONField(_("accepted categories"))
    policy_version = models.PositiveIntegerField(_("cookie policy version"))
    ip_truncated = models.CharField(_("IP address (truncated)"), max_length=45, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    gpc = models.BooleanField(
        _("Global Privacy Control signal"),
        default=False,
        help_text=_("The browser sent Sec-GPC: 1; analytics and advertising were refused."),
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("cookie consent record")
        verbose_name_plural = _("cookie consent records")
        ordering = ["-created_at"]

    def __str__(self):
        return str(self.consent_id)
