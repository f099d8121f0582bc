"""Logging: one line per event, never personal data (read by ``privacysite.settings``)."""

from privacysite.settings import env

# --- Logging -------------------------------------------------------------------------------
# Log lines carry event names and ids, never personal data.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One line per event: time, level, logger, the request or task id, the event.
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "filters": {
        "redact": {"()": "privacysite.log_filters.RedactPersonalData"},
        "request_id": {"()": "privacysite.request_id.RequestIdFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint reports each layout step at INFO: noise in every command's output.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
