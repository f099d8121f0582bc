"""Error pages that must render with nothing working: no database, no cache, no session."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30


def server_error(request):
    """500, or 503 with Retry-After when the database cannot be reached: the request was
    not accepted, and the page says so, so that the customer sends it again."""
    exception = sys.exc_info()[1]
    if isinstance(exception, (OperationalError, InterfaceError)):
        logger.error("database.unavailable error=%s", type(exception).__name__)
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
