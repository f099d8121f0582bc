from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacysite.append_only import AppendOnlyModel, AppendOnlyQuerySet


class AccessLogQuerySet(AppendOnlyQuerySet):
    pass


class AccessLogEntry(AppendOnlyModel):
    """One look at (or export of) customers' personal data: who, when, whom, what, why.

    Rows are inserted plainly by many writers and sealed into an HMAC chain by one task
    (``access_log_seal``), so that concurrent writers never wait on a lock and an edited,
    deleted or back-dated row breaks the chain (``verify_audit_log``).
    """

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed a customer")
        LIST = "list", _("Listed customers")
        SEARCH = "search", _("Searched customers")
        REVEAL = "reveal", _("Revealed a masked value")
        EXPORT = "export", _("Exported")
        CHANGE = "change", _("Changed")
        PROCESS = "process", _("Processed by the system")

    # Indexed by a BRIN index on PostgreSQL (migration 0012): rows arrive in time order, and
    # a B-tree would cost every writer an extra index insert.
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,  # deactivate staff accounts; their trail stays
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    actor_label = models.CharField(_("by"), max_length=150)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    customer_ids = models.JSONField(_("customers"), default=list)
    fields = models.JSONField(_("fields"), default=list)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    seal_seq = models.BigIntegerField(_("chain position"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)
    sealed_at = models.DateTimeField(null=True, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(
                fields=["id"],
                name="accesslog_unsealed_idx",
                condition=models.Q(seal_seq__isnull=True),
            ),
        ]
        constraints = [
            # Partial: a new, unsealed row does not touch this index at all.
            models.UniqueConstraint(
                fields=["seal_seq"],
                name="accesslog_seal_seq_unique",
                condition=models.Q(seal_seq__isnull=False),
            ),
        ]

    def __str__(self):
        from customers.core.labels import actor_name

        local = timezone.localtime(self.at)
        return (
            f"{actor_name(self.actor_label)} · {self.get_action_display()} · {local:%d/%m/%Y %H:%M}"
        )


class AccessLogSubject(models.Model):
    """Index of entries by customer, for "who looked at my data" (the entry is the record)."""

    entry = models.ForeignKey(AccessLogEntry, on_delete=models.CASCADE, related_name="subjects")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="access_log"
    )

    class Meta:
        indexes = [models.Index(fields=["customer", "entry"])]

    def __str__(self):
        return f"{self.entry_id}:{self.customer_id}"


class AuditChainHead(models.Model):
    """The last sealed position and hash; one row, locked by the sealer."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)
    # Entries past their retention period are removed from the start of the chain; the
    # verifier starts after this position, from this hash.
    pruned_seq = models.BigIntegerField(default=0)
    pruned_hash = models.CharField(max_length=64, blank=True)
    # The cutoff the last pruning used; checked against the access-log retention period.
    pruned_before = models.DateTimeField(null=True, blank=True)
    # HMACs (customers.audit.chain) over (seq, hash, pruned_seq) and over the pruned fields:
    # nobody without the key moves either end of the chain.
    signature = models.CharField(max_length=64, blank=True)
    pruned_signature = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.seq}:{self.hash[:12]}"
