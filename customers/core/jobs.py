"""Background jobs by name.

Services start Celery tasks through :func:`enqueue` with the task's registered name instead
of importing the task module: tasks call services, never the other way round, so the import
graph has one direction. Every task is declared with an explicit ``name=`` (kept stable when
a module moves, so that beat's schedule rows in the database keep working); the names are
listed here, in one place.
"""

from celery import current_app, shared_task
from django.db import InterfaceError, OperationalError

MESSAGE_SEND = "customers.tasks.message_send"
MESSAGES_SEND_BATCH = "customers.tasks.messages_send_batch"
MESSAGES_RESEND_STUCK = "customers.tasks.messages_resend_stuck"
SUBMISSIONS_PROCESS_PENDING = "customers.tasks.submissions_process_pending"
PENDING_CHANGES_EXPIRE = "customers.tasks.pending_changes_expire"
ACCESS_LOG_SEAL = "customers.tasks.access_log_seal"
ACCESS_LOG_DIGEST = "customers.tasks.access_log_digest"
REQUESTS_SEND_REMINDERS = "customers.tasks.requests_send_reminders"
MY_DATA_LINK_SEND = "customers.tasks.my_data_link_send"
RETENTION_SWEEP = "customers.tasks.retention_sweep"
RETENTION_ERASE_BATCH = "customers.tasks.retention_erase_batch"
RETENTION_NOTICE_BATCH = "customers.tasks.retention_notice_batch"
RETENTION_DELETE_OLD_RECORDS = "customers.tasks.retention_delete_old_records"
DESTRUCTION_EXECUTE = "customers.tasks.destruction_execute"
RENEWAL_REMINDERS = "customers.tasks.renewal_reminders"
CAMPAIGN_BATCH = "customers.tasks.campaign_batch"
INCIDENT_ALARMS = "customers.tasks.incident_alarms"
INCIDENT_MESSAGE_BATCH = "customers.tasks.incident_message_batch"
IMPORT_PREVIEW = "customers.tasks.import_preview"
IMPORT_RUN = "customers.tasks.import_run"
IMPORT_NOTICES = "customers.tasks.import_notices"
IMPORTS_ABANDON_STALE = "customers.tasks.imports_abandon_stale"
POLICY_CHANGE_NOTICES = "customers.tasks.policy_change_notices"
# Named under consents, where the ledger enqueues them (by name: it imports no messaging).
CONSENT_RECEIPTS_SEND = "consents.consent_receipts_send"
CONSENT_RECEIPTS_SWEEP = "consents.consent_receipts_sweep"
# Named under api, whose services enqueue them: the suppression lists' stored hashes.
SUBJECT_HASHES_WARM = "api.subject_hashes_warm"
SUBJECT_HASHES_REFRESH = "api.subject_hashes_refresh"
WEBHOOK_DELIVER = "api.webhook_deliver"
WEBHOOKS_RESEND_DUE = "api.webhooks_resend_due"
# The DPO's workplace (dpo/): named after their first module, as beat's rows know them.
DPO_UPDATE_CLOCKS_DAILY = "dpo.tasks.update_clocks_daily"
DPO_ACCESS_ALERTS_CHECK = "dpo.tasks.access_alerts_check"

# What is worth trying again: the network, the broker, the mail server, a database that is
# restarting (SMTP and socket errors are OSErrors). Anything else is a bug or bad data: the
# task fails at once, the service having recorded why on its row where it has one.
TRANSIENT_ERRORS = (OSError, OperationalError, InterfaceError)


def task(name: str, **options):
    """Declare a Celery task: an explicit, stable ``name`` and one retry style for all,
    autoretry with exponential backoff (and jitter) on transient errors only."""
    settings = {
        "name": name,
        "autoretry_for": TRANSIENT_ERRORS,
        "retry_backoff": 30,
        "retry_backoff_max": 3600,
        "retry_jitter": True,
        "max_retries": 5,
    }
    settings.update(options)
    return shared_task(**settings)


def enqueue(name: str, *args, **options):
    """Send task ``name`` with ``args`` (ids only, never personal data).

    The task object is looked up in the app's registry, so the settings that apply to a task
    sent from its own module apply here too (eager mode in unit tests, retries, routing).
    """
    return current_app.tasks[name].apply_async(args=args, **options)
