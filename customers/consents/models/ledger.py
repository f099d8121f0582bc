from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.core.fields import EncryptedTextField
from privacysite.append_only import AppendOnlyModel, AppendOnlyQuerySet


class ConsentEventQuerySet(AppendOnlyQuerySet):
    def redact_personal_evidence(self):
        """Erasure's one exception: blank the personal evidence, keep the anonymous facts.

        Only the erasure service calls this (docs/legal.md §11.3); the granted/withdrawn facts,
        purpose, policy version, wording and time stay.
        """
        return self._privileged_update(ip_address="", user_agent="", call_reference="")


class ConsentEvent(AppendOnlyModel):
    """One grant or withdrawal of consent: the proof of who agreed to what text, when and how."""

    class Action(models.TextChoices):
        GRANTED = "granted", _("Granted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Channel(models.TextChoices):
        WEB_FORM = "web_form", _("Web form")
        PHONE = "phone", _("Phone intake")
        PREFERENCES = "preferences", _("Preference page")
        UNSUBSCRIBE = "unsubscribe", _("Unsubscribe link")
        STAFF = "staff", _("Staff")
        API = "api", _("Another system (API)")
        IMPORT = "import", _("Imported with its proof")

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="consent_events",
        verbose_name=_("customer"),
    )
    purpose = models.ForeignKey(
        "consents.Purpose", on_delete=models.PROTECT, related_name="+", verbose_name=_("purpose")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    policy_version = models.ForeignKey(
        "consents.PolicyVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("policy version"),
    )
    wording = models.TextField(_("wording shown"))
    wording_hash = models.CharField(max_length=64)
    language = models.CharField(_("language"), max_length=8)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    ip_address = EncryptedTextField(_("IP address"), blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    call_reference = models.CharField(_("call reference"), max_length=100, blank=True)
    gpc = models.BooleanField(
        _("Global Privacy Control"),
        default=False,
        db_default=False,  # old processes still inserting during a deploy leave it false
        help_text=_(
            "The browser sent Sec-GPC: 1 with the form: the customer ticked this box although "
            "the browser refuses marketing by default."
        ),
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    given_at = models.DateTimeField(
        _("given at"),
        null=True,
        blank=True,
        help_text=_("When the customer gave it, if before it was recorded here (an import)."),
    )

    objects = ConsentEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent event")
        verbose_name_plural = _("consent ledger")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "purpose", "created_at"])]

    def __str__(self):
        return f"{self.get_action_display()} {self.purpose_id} #{self.pk}"


class ConsentState(models.Model):
    """The current answer per customer and purpose, kept in step with the ledger.

    Written only by ``consents.services`` in the same transaction as the event it reflects;
    ``consent_state_rebuild`` derives it again from the ledger. The partial index answers
    "who may receive marketing email now" without reading the ledger.
    """

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="consent_states"
    )
    purpose = models.ForeignKey("consents.Purpose", on_delete=models.CASCADE, related_name="states")
    granted = models.BooleanField()
    wording_hash = models.CharField(max_length=64)
    last_event = models.ForeignKey(ConsentEvent, on_delete=models.PROTECT, related_name="+")
    since = models.DateTimeField()

    class Meta:
        verbose_name = _("current consent")
        verbose_name_plural = _("current consents")
        constraints = [
            models.UniqueConstraint(fields=["customer", "purpose"], name="consent_state_unique")
        ]
        indexes = [
            models.Index(
                fields=["purpose", "customer"],
                name="consent_state_granted_idx",
                condition=Q(granted=True),
            )
        ]

    def __str__(self):
        return f"{self.purpose}: {_('given') if self.granted else _('not given')}"
