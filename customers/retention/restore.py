"""After a restore: bring a restored (older) database up to the promises made since its dump.

Run by ``manage.py after_restore`` (and by ``scripts/restore.sh``) before web, worker and beat
start again. Every step is idempotent, so running it twice, or on a database that is not a
restore at all, changes nothing that should stay.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import FileField
from django.utils import timezone

from customers.audit.anchors import anchor_write
from customers.consents.models import ConsentState, Purpose
from customers.consents.services.ledger import consent_withdraw
from customers.core.files import files_secure
from customers.core.key_rotation import blind_indexes_rebuild, keys_rotate
from customers.models import AuditChainHead, Customer, DataRequest
from customers.retention.erasure import customers_erase
from customers.retention.journal_marks import journal_mark, journal_mark_check
from privacysite import journal

logger = logging.getLogger(__name__)


@dataclass
class RestoreReport:
    erased: list[int] = field(default_factory=list)
    withdrawn: int = 0
    reused_ids: int = 0
    sessions_ended: int = 0
    reencrypted: int = 0
    entries: int = 0
    orphan_files: int = 0
    lost_requests: list[dict] = field(default_factory=list)
    reindexed: int = 0


def _same_customer(found: dict, pk: int, created: str) -> bool:
    """The restored row is the journalled customer, not a later one given the same id."""
    return pk in found and found[pk] == datetime.datetime.fromisoformat(created)


def restore_reapply(
    *,
    journal_paths=None,
    rotate_keys: bool = True,
    index_start_after: int = 0,
    require_mark: bool = True,
) -> RestoreReport:
    """Apply every journalled erasure and withdrawal that the restored database lacks: those
    of the configured journal and of ``journal_paths`` (old per-machine journals, files or
    folders).

    Raises ``JournalUnproven`` before changing anything when the journal does not hold every
    entry up to the restored database's mark (``journal_marks``): empty, another journal, cut
    short. The erasures since the dump could not all be applied again, and a restore must not
    say it kept promises it cannot prove it kept."""
    journal_mark_check(journal_paths, require_mark=require_mark)
    report = RestoreReport()
    # A dump made before a change of BLIND_INDEX_KEY holds indexes under the old key: nobody
    # would be found by email or phone (a returning customer duplicated, a leak matching no
    # one). They are written again with the current key, in locked batches (resumable).
    for progress in blind_indexes_rebuild(start_after=index_start_after):
        report.reindexed = progress.rotated
        logger.info("restore.reindexed scanned=%s last_id=%s", progress.scanned, progress.last_id)
    erasures: dict[int, tuple[str, str]] = {}  # id -> (created, trigger)
    withdrawals = []
    requests = {}  # reference -> entry
    sources = [None, *(journal_paths or [])]  # the configured journal, then the extra ones
    entries = (e for source in sources for e in journal.journal_read([source] if source else None))
    for entry in entries:
        report.entries += 1
        if entry["kind"] == journal.ERASURE:
            for pk, created in entry["customers"]:
                erasures[pk] = (created, entry["trigger"])
        elif entry["kind"] == journal.WITHDRAWAL:
            withdrawals.append(entry)
        elif entry["kind"] == journal.REQUEST:
            requests[entry["reference"]] = entry

    found = dict(
        Customer.objects.filter(pk__any=list(erasures))  # one array parameter, any count
        .exclude(status=Customer.Status.ERASED)
        .values_list("pk", "created_at")
    )
    by_trigger: dict[str, list[int]] = {}
    for pk, (created, trigger) in erasures.items():
        if _same_customer(found, pk, created):
            by_trigger.setdefault(trigger, []).append(pk)
        elif pk in found:
            report.reused_ids += 1
    size = settings.RETENTION_BATCH_SIZE  # one short transaction per batch, as the sweep
    for trigger, ids in by_trigger.items():
        for start in range(0, len(ids), size):
            erased, _blocked = customers_erase(
                customer_ids=ids[start : start + size],
                actor="after_restore",
                trigger=trigger,
                reason="re-applied after a restore",
                reapplied=True,
            )
            report.erased += erased

    report.withdrawn = _withdrawals_reapply(withdrawals)
    report.orphan_files = orphan_files_delete()
    # A request received after the dump is gone with it; its legal clock is not. Staff see
    # which (references, kinds and due dates: no personal data) and ask the customers again.
    known = set(
        DataRequest.objects.filter(reference__in=list(requests)).values_list("reference", flat=True)
    )
    # Older entries are in every backup still kept; missing now means the retention deleted them.
    since = timezone.now() - datetime.timedelta(days=settings.BACKUP_KEEP_DAYS + 1)
    report.lost_requests = [
        entry
        for reference, entry in requests.items()
        if reference not in known and datetime.datetime.fromisoformat(entry["at"]) >= since
    ]
    # The restored access log is shorter than the one anchored outside the database: on
    # purpose, so its head is anchored again, marked as a restore.
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None:
        anchor_write(seq=head.seq, hash=head.hash, restored=True)
    # Staff signed out and my-data sessions ended since the dump would be valid again.
    report.sessions_ended = Session.objects.all().delete()[0]
    # From here on this database and the journal agree: a later restore of it needs the
    # journal up to now.
    journal_mark()
    if rotate_keys:
        # A dump made before a key rotation holds values under a now retired key.
        rotated = {progress.table: progress.rotated for progress in keys_rotate()}
        report.reencrypted = sum(rotated.values())
        files = files_secure()
        report.reencrypted += files.rotated + files.encrypted
    logger.info(
        "restore.reapplied entries=%s erased=%s withdrawn=%s reused_ids=%s",
        report.entries,
        len(report.erased),
        report.withdrawn,
        report.reused_ids,
    )
    return report


def _withdrawals_reapply(entries) -> int:
    ids = {entry["customer"][0] for entry in entries}
    found = dict(
        Customer.objects.filter(pk__in=ids)
        .exclude(status=Customer.Status.ERASED)
        .values_list("pk", "created_at")
    )
    purposes = {p.code: p for p in Purpose.objects.all()}
    done = 0
    for entry in entries:
        pk, created = entry["customer"]
        purpose = purposes.get(entry["purpose"])
        if purpose is None or not _same_customer(found, pk, created):
            continue
        at = datetime.datetime.fromisoformat(entry["at"])
        with transaction.atomic():
            # Granted in the restored copy before the withdrawal: the withdrawal stands. A
            # grant after it (already in the restored copy) is the customer's newer word.
            granted_before = ConsentState.objects.filter(
                customer_id=pk, purpose=purpose, granted=True, since__lt=at
            ).exists()
            if granted_before:
                customer = Customer.objects.get(pk=pk)
                channel = entry.get("channel") or "staff"
                # The customer had the receipt when they withdrew: not a second one.
                if consent_withdraw(
                    customer=customer, purpose=purpose, channel=channel, schedule_receipt=False
                ):
                    done += 1
    return done


def _walk(storage, folder):
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}")


def orphan_files_delete() -> int:
    """Delete uploaded files that no row names any more: after a restore, the files of rows
    written after the dump (a complaint's attachment) would otherwise stay, unerasable."""
    deleted = 0
    fields = [
        (model, f)
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if isinstance(f, FileField) and isinstance(f.upload_to, str)
    ]
    for model, f in fields:
        referenced = set(
            model._default_manager.exclude(**{f.name: ""}).values_list(f.name, flat=True)
        )
        top = f.upload_to.split("/", 1)[0]
        try:
            names = list(_walk(f.storage, top))
        except FileNotFoundError:
            continue
        for name in names:
            if name not in referenced:
                f.storage.delete(name)
                deleted += 1
    return deleted
