"""The Celery app, configured from Django settings (the ``CELERY_`` prefix).

Periodic jobs are declared here, in one place, and django-celery-beat's database scheduler
copies them into its tables at start-up, where staff can pause or re-time them in the admin.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "privacysite.settings")

app = Celery("privacysite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Every five minutes: send what the outbox holds that never reached the broker (Redis
    # was down when the customer submitted) so that nothing accepted is lost.
    "messages-resend-stuck": {
        "task": "customers.tasks.messages_resend_stuck",
        "schedule": crontab(minute="*/5"),
    },
}
