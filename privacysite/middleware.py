import time

# Seconds between two writes of an active session: the idle timeout slides forward without a
# database write on every request.
TOUCH_EVERY = 60


class SlidingSessionMiddleware:
    """Staff sessions end after SESSION_COOKIE_AGE of inactivity (30 minutes by default).

    Instead of SESSION_SAVE_EVERY_REQUEST (a write per request), an existing session is
    marked modified at most once a minute, which re-saves it with a fresh expiry.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and session.accessed:
            now = int(time.time())
            if now - session.get("_touched", 0) >= TOUCH_EVERY:
                session["_touched"] = now
        return response
