"""One id per request and per Celery task, on every log line they write."""

import contextvars
import re
import secrets

current = contextvars.ContextVar("request_id", default="-")
SAFE = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class RequestIdMiddleware:
    """Takes the proxy's X-Request-ID when it looks like one, else makes one; echoes it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if SAFE.match(incoming) else secrets.token_hex(8)
        token = current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter:
    def filter(self, record):
        record.request_id = current.get()
        return True


def bind_task(task_id=None, **kwargs):
    current.set(f"task:{task_id}")


def unbind_task(**kwargs):
    current.set("-")
