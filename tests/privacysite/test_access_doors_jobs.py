"""The scheduled jobs' screen (issue 31, finding 11): staff may re-time a job, never change
what it runs, with which arguments, nor pause a job that keeps a promise."""

import json

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from customers.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(seeded):
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=60, period="seconds")
    nightly, _ = CrontabSchedule.objects.get_or_create(minute="0", hour="2")
    seal = PeriodicTask.objects.create(
        name="access-log-seal", task="customers.tasks.access_log_seal", interval=every_minute
    )
    reminders = PeriodicTask.objects.create(
        name="renewal-reminders", task="customers.tasks.renewal_reminders", crontab=nightly
    )
    return seal, reminders


def form_data(job, **changes):
    data = {
        "name": job.name,
        "regtask": job.task,
        "task": job.task,
        "interval": job.interval_id or "",
        "crontab": job.crontab_id or "",
        "args": job.args,
        "kwargs": job.kwargs,
        "enabled": "on" if job.enabled else "",
        "priority": "",
        "expire_seconds": "",
        "description": "",
        "headers": "{}",
        "queue": "",
        "exchange": "",
        "routing_key": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_dpo_cannot_point_a_job_at_another_task_or_pause_a_security_job(staff_client, jobs):
    seal, _reminders = jobs
    dpo = staff_client(Role.DPO)
    url = reverse("admin:django_celery_beat_periodictask_change", args=[seal.pk])
    page = dpo.get(url)
    assert page.status_code == 200
    form_fields = page.context["adminform"].form.fields
    assert {"task", "regtask", "args", "kwargs", "enabled", "name"}.isdisjoint(form_fields)
    nightly = CrontabSchedule.objects.get(minute="0", hour="2")
    dpo.post(
        url,
        form_data(
            seal,
            task="customers.tasks.retention_sweep",
            regtask="customers.tasks.retention_sweep",
            args=json.dumps([1, 2, 3]),
            enabled="",
            interval="",
            crontab=nightly.pk,
        ),
    )
    seal.refresh_from_db()
    assert (seal.task, seal.args, seal.enabled) == ("customers.tasks.access_log_seal", "[]", True)
    assert seal.crontab_id == nightly.pk  # its time, though, may change


def test_an_ordinary_job_may_be_paused_but_no_job_added_run_or_deleted(staff_client, jobs):
    seal, reminders = jobs
    dpo = staff_client(Role.DPO)
    url = reverse("admin:django_celery_beat_periodictask_change", args=[reminders.pk])
    assert "enabled" in dpo.get(url).context["adminform"].form.fields
    dpo.post(url, form_data(reminders, enabled=""))
    reminders.refresh_from_db()
    assert reminders.enabled is False
    assert dpo.get(reverse("admin:django_celery_beat_periodictask_add")).status_code == 403
    changelist = reverse("admin:django_celery_beat_periodictask_changelist")
    assert not dpo.get(changelist).context["action_form"]
    for action in ("run_tasks", "disable_tasks", "toggle_tasks"):
        dpo.post(changelist, {"action": action, ACTION_CHECKBOX_NAME: [seal.pk]})
    seal.refresh_from_db()
    assert seal.enabled
    delete = reverse("admin:django_celery_beat_periodictask_delete", args=[seal.pk])
    assert dpo.post(delete, {"post": "yes"}).status_code == 403
    assert PeriodicTask.objects.filter(pk=seal.pk).exists()


def test_a_security_job_cannot_be_stopped_by_an_expiry_or_a_distant_start(staff_client, jobs):
    """Beat switches a job off for good once it has expired, and never runs it before its
    start: for a job that keeps a promise, both are a pause by another name (review)."""
    seal, _reminders = jobs
    dpo = staff_client(Role.DPO)
    url = reverse("admin:django_celery_beat_periodictask_change", args=[seal.pk])
    form_fields = dpo.get(url).context["adminform"].form.fields
    assert {"expires", "expire_seconds", "start_time", "solar", "clocked"}.isdisjoint(form_fields)
    dpo.post(
        url,
        form_data(
            seal,
            expires_0="01/01/2020",
            expires_1="00:00",
            start_time_0="01/01/2099",
            start_time_1="00:00",
            expire_seconds="1",
        ),
    )
    seal.refresh_from_db()
    assert (seal.expires, seal.start_time, seal.expire_seconds) == (None, None, None)
