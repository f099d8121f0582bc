"""Customer requests, retention and the erasure journal: the clocks the law sets and what
keeps them (read by ``privacysite.settings``)."""

from pathlib import Path

from privacysite.settings import BASE_DIR, env

# --- Customer requests: legal clocks ------------------------------------------------------
# Decree 356/2025 Art 5 (docs/legal.md §3.5, §4): respond in 2 working days, then complete within
# these calendar days; "processor_days" when a processor or third party must act too; one
# extension of at most "extension_days". Complaints have no legal period: the company's
# promise (here 15 days) stands in.
REQUEST_ACKNOWLEDGE_WORKING_DAYS = 2
REQUEST_DEADLINES = {
    "access": {"days": 10, "processor_days": 30, "extension_days": 10},
    "correction": {"days": 10, "processor_days": 15, "extension_days": 10},
    "deletion": {"days": 20, "processor_days": 30, "extension_days": 20},
    "withdrawal": {"days": 15, "processor_days": 20, "extension_days": 15},
    "objection": {"days": 15, "processor_days": 20, "extension_days": 15},
    "complaint": {"days": 15, "processor_days": 15, "extension_days": 15},
    "other": {"days": 15, "processor_days": 20, "extension_days": 15},
}
# Accounting periods count from the end of the fiscal year (Decree 174/2016 Art 15).
FISCAL_YEAR_END = (
    env.int("FISCAL_YEAR_END_MONTH", default=12),
    env.int("FISCAL_YEAR_END_DAY", default=31),
)
RENEWAL_REMINDER_DAYS = [30, 7, 1]
# Customers erased per sweep transaction: short transactions, each a batch (BENCHMARKS.md
# has what one costs). Erasure notices go in batches of RETENTION_NOTICE_BATCH_SIZE: each is an
# outbox row, so a notice batch is slower per customer.
RETENTION_BATCH_SIZE = env.int("RETENTION_BATCH_SIZE", default=2000)
RETENTION_NOTICE_BATCH_SIZE = env.int("RETENTION_NOTICE_BATCH_SIZE", default=200)
# A customer with neither email nor mobile is told of the erasure by a call: staff have this
# many days to make it (the call task's deadline); the notice period starts with the call.
RETENTION_CALL_NOTICE_DAYS = env.int("RETENTION_CALL_NOTICE_DAYS", default=7)
# A new privacy-policy version takes effect this many days after it is published at the
# earliest; its change notice goes to every customer who can be told in the meantime.
POLICY_CHANGE_NOTICE_DAYS = env.int("POLICY_CHANGE_NOTICE_DAYS", default=7)
POLICY_CHANGE_NOTICE_BATCH = env.int("POLICY_CHANGE_NOTICE_BATCH", default=500)
# Erasures and consent withdrawals are also appended here (ids only), outside the database,
# so that `manage.py after_restore` applies them again to a restored backup. Keep it on a
# disk that is not restored with the database and at least as long as the oldest backup.
ERASURE_JOURNAL = env.path(
    "ERASURE_JOURNAL", default=BASE_DIR / "var" / "journal" / "erasures.jsonl"
)
# The access log's head after every seal (customers/audit/anchors.py): append-only, on a disk
# the database's users cannot write, kept beside the journal.
ACCESS_LOG_ANCHORS = env.path(
    "ACCESS_LOG_ANCHORS", default=Path(ERASURE_JOURNAL).parent / "access-log-anchors.jsonl"
)
# How long backups are kept (scripts/backup.sh prunes after this): retired keys and the journal
# must be kept at least as long.
BACKUP_KEEP_DAYS = env.int("BACKUP_KEEP_DAYS", default=35)
MY_DATA_LINK_HOURS = env.int("MY_DATA_LINK_HOURS", default=24)
COMPLAINT_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
COMPLAINT_ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
MY_DATA_RATE_LIMIT = env.str("MY_DATA_RATE_LIMIT", default="5/10m")
# Links one address may be sent, whoever asks (counted by its blind index).
MY_DATA_RECIPIENT_RATE_LIMIT = env.str("MY_DATA_RECIPIENT_RATE_LIMIT", default="3/h")

# --- Importing customers from a file (customers/imports) ------------------------------------
# An import can be undone as a whole for this many days after it finished.
IMPORT_UNDO_DAYS = env.int("IMPORT_UNDO_DAYS", default=7)
# A preview nobody confirmed is abandoned (its file deleted) after this many hours.
IMPORT_ABANDON_HOURS = env.int("IMPORT_ABANDON_HOURS", default=48)
# Notices of an import: people told per batch (one batch per import every beat run).
IMPORT_NOTICE_BATCH = env.int("IMPORT_NOTICE_BATCH", default=200)
