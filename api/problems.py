"""Errors as RFC 9457 problem details, in the caller's language (Vietnamese by default)."""

import logging

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

# Django's own logger of server errors: the same handlers and masking filter as for the site.
request_logger = logging.getLogger("django.request")

PROBLEM_TYPE = "urn:privacysite:problem:{}"
CONTENT_TYPE = "application/problem+json"


class Problem(exceptions.APIException):
    """An error a service raises with its own code, title and message."""

    def __init__(
        self, *, code: str, title, detail, status_code=status.HTTP_422_UNPROCESSABLE_ENTITY
    ):
        super().__init__(detail=detail, code=code)
        self.status_code = status_code
        self.problem_code = code
        self.title = title


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The body is larger than this API accepts.")
    default_code = "too-large"


class Unavailable(exceptions.APIException):
    """The database cannot be reached: nothing was done; send it again (as the site's own
    pages say, ``privacysite.errors``)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = gettext_lazy(
        "The service is briefly unavailable; nothing was done. Try again."
    )
    default_code = "unavailable"
    retry_after = 30


class ServerError(exceptions.APIException):
    """An unexpected error: logged in full, answered without any of its details."""

    status_code = status.HTTP_500_INTERNAL_SERVER_ERROR
    default_detail = gettext_lazy(
        "Something went wrong on our side; it was logged. Try again later."
    )
    default_code = "server-error"


def _titles():
    return {
        400: ("invalid-input", _("The request is not valid")),
        401: ("unauthenticated", _("A valid API key is needed")),
        403: ("forbidden", _("This key may not do that")),
        404: ("not-found", _("Not found")),
        405: ("method-not-allowed", _("Method not allowed")),
        406: ("not-acceptable", _("Cannot answer in the requested format")),
        413: ("too-large", _("The request is too large")),
        415: ("unsupported-media-type", _("Send JSON")),
        422: ("unprocessable", _("The request cannot be carried out")),
        429: ("rate-limited", _("Too many requests")),
        500: ("server-error", _("Server error")),
        503: ("unavailable", _("Briefly unavailable")),
    }


def _first_message(errors):
    if isinstance(errors, dict):
        for value in errors.values():
            return _first_message(value)
    if isinstance(errors, list) and errors:
        return _first_message(errors[0])
    return str(errors)


def problem_exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    response = exception_handler(exc, context)
    if response is None:
        # An unexpected error: logged as Django logs a 500, answered as a problem too.
        request = context["request"]
        outage = isinstance(exc, (OperationalError, InterfaceError))
        request_logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exc,
            extra={"status_code": 503 if outage else 500, "request": request},
        )
        exc = Unavailable() if outage else ServerError()
        response = exception_handler(exc, context)
        if outage:
            response["Retry-After"] = str(Unavailable.retry_after)
    code, title = _titles().get(response.status_code, ("error", _("Error")))
    body = {"status": response.status_code, "instance": context["request"].path}
    if isinstance(exc, Problem):
        code, title = exc.problem_code, exc.title
        body["detail"] = str(exc.detail)
    elif isinstance(exc, exceptions.ValidationError):
        code = "invalid-input"
        body["detail"] = _("Some fields are not valid: %(message)s") % {
            "message": _first_message(exc.detail)
        }
        body["errors"] = (
            exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        )
    elif isinstance(exc, exceptions.Throttled):
        body["detail"] = _("This key made too many requests; try again in %(seconds)s seconds.") % {
            "seconds": int(exc.wait or 60)
        }
    else:
        body["detail"] = str(exc.detail) if not isinstance(exc.detail, (dict, list)) else str(title)
    body = {"type": PROBLEM_TYPE.format(code), "title": str(title), **body}
    headers = {
        k: v for k, v in response.items() if k in {"WWW-Authenticate", "Retry-After", "Allow"}
    }
    problem = Response(
        body, status=response.status_code, headers=headers, content_type=CONTENT_TYPE
    )
    problem["Content-Language"] = translation.get_language()
    return problem


def bad_request(request, exception):
    """The site's 400 handler: a problem on the API's paths (a Host outside ALLOWED_HOSTS is
    refused before any view), Django's own page elsewhere."""
    from django.views.defaults import bad_request as page

    if not request.path_info.startswith("/api/"):
        return page(request, exception)
    with translation.override(translation.get_language_from_request(request)):
        code, title = _titles()[400]
        response = JsonResponse(
            {
                "type": PROBLEM_TYPE.format(code),
                "title": str(title),
                "status": 400,
                "detail": _("This request cannot be answered (its Host is not this API's)."),
                "instance": request.path_info,
            },
            status=400,
            content_type=CONTENT_TYPE,
            json_dumps_params={"ensure_ascii": False},
        )
        response["Content-Language"] = translation.get_language()
    return response
