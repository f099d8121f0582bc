"""A small real HTTP server on 127.0.0.1 that receives webhooks the way a subscriber would:
it checks the signature with the Standard Webhooks library (``standardwebhooks``, as a
subscriber in any language would) before it trusts a body."""

import http.server
import json
import threading

from standardwebhooks import Webhook, WebhookVerificationError


class Receiver:
    def __init__(self, secret="", answers=(), redirect_to=None):
        self.secret = secret
        self.answers = list(answers)  # status codes for the next calls; then 200
        self.redirect_to = redirect_to  # a 302 to this URL on every call
        self.received = []  # (event id, body dict, signature valid)
        self.headers = []  # each call's headers
        self.hold = None  # a threading.Event: the next request waits for it
        self.holding = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hold, receiver.hold = receiver.hold, None
                if hold is not None:
                    receiver.holding.set()
                    hold.wait(30)
                receiver.headers.append(dict(self.headers))
                receiver.received.append(
                    (
                        self.headers["webhook-id"],
                        json.loads(body),
                        receiver.verify(dict(self.headers), body),
                    )
                )
                status = receiver.answers.pop(0) if receiver.answers else 200
                if receiver.redirect_to:
                    status = 302
                self.send_response(status)
                if receiver.redirect_to:
                    self.send_header("Location", receiver.redirect_to)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def verify(self, headers: dict, body: bytes) -> bool:
        """The library checks the timestamp (five minutes) and the signature."""
        if not self.secret:
            return False
        try:
            Webhook(self.secret).verify(body, headers)
        except WebhookVerificationError:
            return False
        return True

    def close(self):
        self.server.shutdown()
        self.server.server_close()
