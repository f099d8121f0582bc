from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class PolicyVersion(models.Model):
    """A version of the privacy policy. Drafts are edited; a published version never changes."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    number = models.PositiveIntegerField(_("version"), unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    summary_vi = models.TextField(_("summary of changes (Vietnamese)"), blank=True)
    summary_en = models.TextField(_("summary of changes (English)"), blank=True)
    stores_data_abroad = models.BooleanField(
        _("data stored or processed abroad"),
        default=False,
        help_text=_("Tick when any data store or processor is outside Viet Nam."),
    )
    facts = models.JSONField(
        _("generated statements"),
        default=dict,
        blank=True,
        help_text=_(
            "What the registers said when this version was published: the page's generated "
            "statements, compared with the registers afterwards."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # When a published version becomes the policy: at once for the first, after the notice
    # period (POLICY_CHANGE_NOTICE_DAYS) for a later one, whose customers are told before.
    effective_at = models.DateTimeField(
        _("takes effect at"),
        null=True,
        blank=True,
        help_text=_(
            "Empty: as early as allowed, at once for the first version and after the notice period "
            "for a later one (its customers are told first). A later date may be chosen, never "
            "an earlier one."
        ),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("privacy policy version")
        verbose_name_plural = _("privacy policy versions")
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="policy_published_has_time",
            )
        ]

    def __str__(self):
        return _("Privacy policy v%(number)s") % {"number": self.number}

    def get_absolute_url(self):
        return reverse("consents:policy_version", args=[self.number])

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    def summary(self):
        return self.summary_en if get_language() == "en" and self.summary_en else self.summary_vi


class PolicySection(models.Model):
    """One heading of a policy version, in Vietnamese and English."""

    class Key(models.TextChoices):
        # The headings Vietnamese e-commerce rules expect (Decree 52/2013 Art 69), the
        # customary complaint section, and what Law 91/2025 adds (docs/legal.md §5).
        CONTROLLER = "controller", _("Who we are")
        PURPOSE_SCOPE = "purpose_scope", _("Purpose and scope of collection")
        SCOPE_OF_USE = "scope_of_use", _("Scope of use")
        RETENTION = "retention", _("Retention period")
        ACCESS = "access", _("Who may access the data")
        COLLECTOR = "collector", _("The collector's name, address and contacts")
        RIGHTS = "rights", _("How to access and correct your data")
        COMPLAINTS = "complaints", _("How to complain")
        SENSITIVE = "sensitive", _("Sensitive personal data")
        ABROAD = "abroad", _("Storage and transfer abroad")
        EXTERNAL_LINKS = "external_links", _("Links to other websites")
        # Generated from the company profile and the registers (issue 29).
        RECIPIENTS = "recipients", _("Who receives the data")
        COOKIES = "cookies", _("Cookies")
        SECURITY = "security", _("How we protect the data")
        BREACH = "breach", _("If a breach happens")
        CHANGES = "changes", _("Changes to this policy")

    version = models.ForeignKey(
        PolicyVersion, on_delete=models.CASCADE, related_name="sections", verbose_name=_("version")
    )
    key = models.CharField(_("section"), max_length=20, choices=Key.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # The company's own paragraph, after the statements the page generates for the section.
    body_vi = models.TextField(_("text (Vietnamese)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)

    class Meta:
        verbose_name = _("policy section")
        verbose_name_plural = _("policy sections")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="policy_section_unique")
        ]

    def __str__(self):
        return self.get_key_display()

    def body(self):
        return self.body_en if get_language() == "en" else self.body_vi
