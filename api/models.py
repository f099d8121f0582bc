"""Other systems that use the API, their webhook subscriptions and every delivery."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    CONSENT_READ = "consent:read", _("Read a customer's consents")
    SUPPRESSION_READ = "suppression:read", _("Read the suppression lists")
    CONSENT_WRITE = "consent:write", _("Record a consent given on another channel")


class ApiClient(models.Model):
    """Another system of the company (CRM, email tool, call centre) with its own key.

    Only a hash of the key is stored: the key is shown once, when it is made.
    """

    name = models.SlugField(_("name"), max_length=60, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    scopes = models.JSONField(_("scopes"), default=list)
    key_prefix = models.CharField(_("key prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    # Salts this client's suppression-list hashes, so two systems' lists cannot be joined.
    suppression_salt = models.CharField(_("suppression-list salt"), max_length=64, editable=False)
    rate_per_minute = models.PositiveIntegerField(
        _("requests per minute"),
        default=600,
        help_text=_("Requests over this number in a minute are answered 429."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.CharField(_("created by"), max_length=150, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.CharField(_("revoked by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_active(self):
        return self.revoked_at is None

    @property
    def actor(self) -> str:
        """How the access log names this system."""
        return f"api:{self.name}"


class WebhookSubscription(models.Model):
    class Event(models.TextChoices):
        CONSENT_CHANGED = "consent.changed", _("Consent given or withdrawn")
        CUSTOMER_ERASED = "customer.erased", _("Customer erased")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused after repeated failures")

    client = models.ForeignKey(
        ApiClient, on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("client")
    )
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    # Signs each delivery (HMAC-SHA256); the subscriber keeps a copy to verify.
    secret = models.CharField(_("signing secret"), max_length=80, editable=False)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["id"]

    def __str__(self):
        return f"{self.client} → {self.url}"


class WebhookEvent(models.Model):
    """Something other systems may need to know; its id lets them ignore a repeat."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(_("type"), max_length=40, choices=WebhookSubscription.Event.choices)
    customer_id = models.BigIntegerField(_("customer"))
    data = models.JSONField(_("data"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.type} {self.id}"


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Gave up")
        CANCELLED = "cancelled", _("Cancelled (the client's key was revoked)")

    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscription"),
    )
    event = models.ForeignKey(
        WebhookEvent, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("event")
    )
    # The exact bytes sent, the same on every attempt (salted hashes, ids, purposes).
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True)
    # One of api.services.webhooks.DELIVERY_ERRORS: never the target's own words.
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event"], name="webhook_delivery_once")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_pending_idx",
                condition=Q(status="pending"),
            )
        ]

    def __str__(self):
        return f"{self.event_id} → {self.subscription_id}"


class ApiConsentRecord(models.Model):
    """Which system recorded a ledger event, and on which channel it says it was given."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone call")
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")
        IN_PERSON = "in_person", _("In person")
        OTHER = "other", _("Other")

    event = models.OneToOneField(
        "consents.ConsentEvent", on_delete=models.PROTECT, related_name="api_record"
    )
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent recorded by another system")
        verbose_name_plural = _("consents recorded by other systems")

    def __str__(self):
        return f"{self.client} #{self.event_id}"


class SubjectHash(models.Model):
    """One client's salted hash of one customer's contact value, with the value's blind index.

    ``hash`` is HMAC-SHA256(key=the client's salt, normalised value) and ``index`` the blind
    index of the same normalised value (``Customer.<field>_index``): both are deterministic,
    so a row is served only while the customer's current index equals it, and a changed
    address simply finds no matching row (nothing to invalidate; the next fill replaces it).
    Keyed by customer, not by index, so that a page of customers in id order reads its rows
    in order too (one range of the primary key) rather than one random B-tree descent each.
    Pseudonymised personal data: erasure deletes the erased customers' rows, revoking a
    client deletes its rows, and the daily refresh deletes rows that no longer match.
    Never shown in the admin.
    """

    pk = models.CompositePrimaryKey("client", "customer_id", "field")
    # No index of its own: only revoking a client, and the daily refresh, look rows up by
    # client alone (a scan, rarely); every read goes through the primary key.
    client = models.ForeignKey(
        ApiClient,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        verbose_name=_("client"),
    )
    # An id, as on webhook events: erasure keeps the customer row, and deletes these first.
    customer_id = models.BigIntegerField(_("customer"))
    field = models.CharField(_("field"), max_length=12)  # email, phone_mobile, …
    index = models.CharField(_("blind index"), max_length=64)
    hash = models.CharField(_("salted hash"), max_length=64)

    class Meta:
        verbose_name = _("suppression-list hash")
        verbose_name_plural = _("suppression-list hashes")

    def __str__(self):
        return f"{self.client_id}:{self.customer_id}:{self.field}"
