"""django-celery-beat's periodic-task screen with its schedule in words in the reader's
language (cron-descriptor ships Vietnamese); the rest of its labels are translated in
locale_thirdparty/."""

from cron_descriptor import Options, get_description
from django.contrib import admin
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask


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
    @admin.display(description=_("Schedule in words"))
    def crontab_translation(self, obj):
        return crontab_in_words(obj.crontab) if obj.crontab_id else "–"


def register(site):
    if (
        site.is_registered(PeriodicTask)
        and type(site.get_model_admin(PeriodicTask)) is PeriodicTaskAdmin
    ):
        site.unregister(PeriodicTask)
        site.register(PeriodicTask, TranslatedPeriodicTaskAdmin)
