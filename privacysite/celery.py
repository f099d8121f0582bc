"""The Celery app, configured from Django settings (the ``CELERY_`` prefix).

Periodic jobs are declared here, in one place, and django-celery-beat's database scheduler
copies them into its tables at start-up, where staff can pause or re-time them in the admin.
"""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import (
    after_setup_logger,
    after_setup_task_logger,
    task_postrun,
    task_prerun,
)

from privacysite.log_filters import RedactPersonalData
from privacysite.request_id import bind_task, unbind_task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "privacysite.settings")

app = Celery("privacysite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect(weak=False)
@after_setup_task_logger.connect(weak=False)
def keep_personal_data_out_of_the_logs(logger=None, **kwargs):
    """Celery gives the worker's and beat's loggers handlers of its own; they get the filter
    the site's handlers have (privacysite.log_filters), so that an address quoted in a
    library's message, or printed (stdout is logged, CELERY_WORKER_REDIRECT_STDOUTS), is
    masked there too."""
    for handler in logger.handlers:
        handler.addFilter(RedactPersonalData())


# Log lines written by a task carry its id (privacysite.request_id).
task_prerun.connect(bind_task, weak=False)
task_postrun.connect(unbind_task, weak=False)

app.conf.beat_schedule = {
    # Every 10 minutes: tell the next customers of each finished import that their data is
    # kept here (inside 07:00-22:00 only, under the daily caps: customers/imports/notices.py).
    "imports-notices": {
        "task": "customers.tasks.import_notices",
        "schedule": crontab(minute="*/10"),
    },
    # Hourly: previews nobody confirmed within IMPORT_ABANDON_HOURS are abandoned, their
    # uploaded file deleted.
    "imports-abandon-stale": {
        "task": "customers.tasks.imports_abandon_stale",
        "schedule": crontab(minute=41),
    },
    # Every 15 minutes: breach clocks. Alarms at 24, 48 and 66 hours after detection and when
    # the 72 hours to notify the authority are over (Law 91 Art 23).
    "incident-alarms": {
        "task": "customers.tasks.incident_alarms",
        "schedule": crontab(minute="*/15"),
    },
    # Daily at 09:00: renewal reminders 30, 7 and 1 days before a service expires.
    "renewal-reminders": {
        "task": "customers.tasks.renewal_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    # Daily at 02:00: plan the retention sweep (once a day even if two beats run: the
    # RetentionRun row is unique per day) and fan out batches of ids to the workers.
    "retention-sweep": {
        "task": "customers.tasks.retention_sweep",
        "schedule": crontab(hour=2, minute=0),
    },
    # Daily at 08:00 (Vietnam time): remind assignees of request deadlines within two days,
    # escalate overdue requests to the data-protection role (Decree 356 Art 5 clocks).
    "requests-reminders": {
        "task": "customers.tasks.requests_send_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    # Every minute: seal new access-log entries into the hash chain (writers never lock it).
    "access-log-seal": {
        "task": "customers.tasks.access_log_seal",
        "schedule": 60.0,
    },
    # Daily at 06:00: write the chain head outside the database (log line and mail to the
    # data-protection role), so that a rewrite of the whole table is caught.
    "access-log-digest": {
        "task": "customers.tasks.access_log_digest",
        "schedule": crontab(hour=6, minute=0),
    },
    # Every 5 seconds: process what the web forms accepted (the submission row is the
    # queue; a run lasts at most 4 s, and a backlog is shared by several workers).
    "submissions-process-pending": {
        "task": "customers.tasks.submissions_process_pending",
        "schedule": 5.0,
        "options": {"expires": 10},  # a run missed while no worker was up is not needed
    },
    # Hourly: close the pending changes nobody confirmed in time and forget their values.
    "pending-changes-expire": {
        "task": "customers.tasks.pending_changes_expire",
        "schedule": crontab(minute=17),
    },
    # Every five minutes: send what the outbox holds that never reached the broker (Redis
    # was down when the customer submitted) so that nothing accepted is lost.
    "messages-resend-stuck": {
        "task": "customers.tasks.messages_resend_stuck",
        "schedule": crontab(minute="*/5"),
    },
    # Daily at 08:30: the DPIA/TIA update clocks (Law 91 Art 22: 6 months after a new purpose,
    # recipient or personal field; 10 days after a reorganisation or a new DPO provider), the
    # subject counter of the SME exemption, and the reminder to the DPO.
    "dpo-update-clocks": {
        "task": "dpo.tasks.update_clocks_daily",
        "schedule": crontab(hour=8, minute=30),
    },
    # Hourly: staff who looked at far more customers today than their own usual; the DPO is
    # mailed once per person and day.
    "dpo-access-alerts": {
        "task": "dpo.tasks.access_alerts_check",
        "schedule": crontab(minute=7),
    },
    # Every five minutes: consent receipts whose task never reached a worker (the broker was
    # down when the consent was committed) are sent.
    "consent-receipts-sweep": {
        "task": "consents.consent_receipts_sweep",
        "schedule": crontab(minute="*/5"),
    },
    # Every minute: webhook deliveries whose time passed with no worker on them (a lost
    # task, a worker killed mid-delivery) are handed over again: delivery is at least once.
    "webhooks-resend-due": {
        "task": "api.webhooks_resend_due",
        "schedule": 60.0,
    },
    # Daily at 03:30: the suppression lists' stored hashes: delete those no current customer's
    # address names any more (changed addresses) and those of clients that may no longer read
    # the lists, then fill what is missing for every client that may, in batches of ids.
    "subject-hashes-refresh": {
        "task": "api.subject_hashes_refresh",
        "schedule": crontab(hour=3, minute=30),
    },
}

# Jobs that keep a promise to customers or to the authority: staff may re-time them in the
# admin but never pause them (privacysite.beat_admin). Every job declared here keeps its task
# and arguments: what runs is decided in code, not on a screen.
JOBS_THAT_CANNOT_BE_PAUSED = frozenset(
    {
        "access-log-seal",
        "access-log-digest",
        "incident-alarms",
        "retention-sweep",
        "requests-reminders",
        "dpo-access-alerts",
    }
)
