"""A small real HTTP server on 127.0.0.1 that receives webhooks the way a subscriber would:
it checks the signature (Stripe's scheme) before it trusts a body."""

import hashlib
import hmac
import http.server
import json
import threading
import time


class Receiver:
    def __init__(self, secret="", answers=(), tolerance=300):
        self.secret = secret
        self.answers = list(answers)  # status codes for the next calls; then 200
        self.tolerance = tolerance
        self.received = []  # (event id, body dict, signature valid)
        self.hold = None  # a threading.Event: the next request waits for it
        self.holding = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                hold, receiver.hold = receiver.hold, None
                if hold is not None:
                    receiver.holding.set()
                    hold.wait(30)
                receiver.received.append(
                    (
                        self.headers["Privacysite-Event-Id"],
                        json.loads(body),
                        receiver.verify(self.headers["Privacysite-Signature"], body),
                    )
                )
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def verify(self, header: str, body: str) -> bool:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
        if abs(time.time() - timestamp) > self.tolerance:
            return False
        expected = hmac.new(
            self.secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256
        ).hexdigest()
        return hmac.compare_digest(expected, parts["v1"])

    def close(self):
        self.server.shutdown()
        self.server.server_close()
