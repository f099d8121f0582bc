"""Production sends mail through a real server (issue 31): a console, file, memory or dummy
backend with DEBUG off either writes customers' addresses and live links into a log or a
folder, or sends nothing at all while the site believes it has."""

from django.conf import settings
from django.core import checks

NOT_A_MAIL_SERVER = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "privacysite.dev_mail.ReadableConsoleBackend",
}


@checks.register(checks.Tags.security)
def check_mail_backend(app_configs=None, **kwargs):
    if settings.DEBUG or settings.EMAIL_BACKEND not in NOT_A_MAIL_SERVER:
        return []
    return [
        checks.Error(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND} with DEBUG off: customers' mail would "
            "be printed, written to disk or dropped.",
            hint="Set EMAIL_URL to your SMTP server (see .env.example).",
            id="privacysite.E102",
        )
    ]
