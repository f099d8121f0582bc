"""django-celery-beat's periodic-task screen with its schedule in words in the reader's
language (cron-descriptor ships Vietnamese); the rest of its labels are translated in
locale_thirdparty/."""

from cron_descriptor import Options, get_description
from django import forms
from django.contrib import admin
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

from privacysite.celery import JOBS_THAT_CANNOT_BE_PAUSED


def crontab_in_words(crontab) -> str:
    options = Options()
    options.locale_code = "en_US" if (get_language() or "vi").startswith("en") else "vi_VN"
    options.use_24hour_time_format = True
    expression = " ".join(
        [
            crontab.minute,
            crontab.hour,
            crontab.day_of_month,
            crontab.month_of_year,
            crontab.day_of_week,
        ]
    )
    try:
        return f"{get_description(expression, options)} ({crontab.timezone})"
    except Exception:  # noqa: BLE001  (an expression cron-descriptor cannot read: show it)
        return f"{expression} ({crontab.timezone})"


class TranslatedPeriodicTaskAdmin(PeriodicTaskAdmin):
    """Staff may see every schedule and re-time one; what a job runs, with which arguments,
    and whether a job that keeps a promise runs at all, are fixed in code
    (``privacysite/celery.py``): a screen that could point a schedule at any task with any
    customer ids, or pause the access-log seal, would be a door around every other rule."""

    # What a person may change on a job: when it runs.
    TIME_FIELDS = frozenset(
        {"interval", "crontab", "solar", "clocked", "start_time", "expires", "expire_seconds"}
    )
    # The model's own form: django-celery-beat's asks for a task name typed or chosen from
    # every registered task, which is exactly what may not be edited here.
    form = forms.ModelForm
    change_form_template = None
    fieldsets = (
        (None, {"fields": ("name", "what_it_runs", "enabled", "description")}),
        (
            _("Schedule"),
            {
                "fields": (
                    "interval",
                    "crontab",
                    "crontab_translation",
                    "solar",
                    "clocked",
                    "start_time",
                    "last_run_at",
                    "one_off",
                )
            },
        ),
        (_("Arguments"), {"fields": ("args", "kwargs")}),
        (
            _("Execution Options"),
            {
                "fields": (
                    "expires",
                    "expire_seconds",
                    "queue",
                    "exchange",
                    "routing_key",
                    "priority",
                    "headers",
                )
            },
        ),
    )

    @admin.display(description=_("What it runs"))
    def what_it_runs(self, obj):
        # The model's own label for the task field is not translatable.
        return obj.task

    @admin.display(description=_("Schedule in words"))
    def crontab_translation(self, obj):
        return crontab_in_words(obj.crontab) if obj.crontab_id else "–"

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.name in JOBS_THAT_CANNOT_BE_PAUSED:
            # Its schedule only: an expiry in the past or a start far ahead would stop it as
            # surely as unticking "enabled" (beat switches off an expired job for good).
            editable = {"interval", "crontab"}
        else:
            editable = {*self.TIME_FIELDS, "enabled"}
        names = [f.name for f in self.model._meta.concrete_fields if not f.primary_key]
        return [
            *super().get_readonly_fields(request, obj),
            "what_it_runs",
            *(n for n in names if n not in editable),
        ]

    def has_add_permission(self, request):
        return False  # jobs are declared in code; a new one would run whatever it names

    def has_delete_permission(self, request, obj=None):
        return False  # beat would declare it again at its next start; a pause is "enabled"

    def get_actions(self, request):
        # Django-celery-beat's list actions run any selected task now, or switch jobs on and
        # off in bulk, past the rule above.
        return {}


def register(site):
    if (
        site.is_registered(PeriodicTask)
        and type(site.get_model_admin(PeriodicTask)) is PeriodicTaskAdmin
    ):
        site.unregister(PeriodicTask)
        site.register(PeriodicTask, TranslatedPeriodicTaskAdmin)
