"""Instructions per request of one public POST, counted by valgrind: a figure that does not
move with the machine's noise, for comparing two versions of the code.

    .venv/bin/python bench/instructions.py cookies|register|bare [--tree /tmp/base] [--requests 40]

Timings on these shared 2-core machines move by 10–30 % from one run to the next, so a change
worth 5 % cannot be seen in them. Counting the instructions the web process runs for a request
(valgrind's callgrind, Debian's ``valgrind`` package) gives the same figure to 0.2 % run after
run. It counts our process only: the database's and the network's work are not in it, so it
complements the HTTP ratios of ``bench_hot.py`` and does not replace them.

The request goes through the WSGI handler in-process (bench.settings, PostgreSQL, Redis), as
gunicorn would send it, 100 times to warm up, then ``--requests`` times inside
``operator.call``, the only place callgrind counts. ``--tree`` measures another checkout (a
``git worktree`` of the version to compare with, sharing this virtualenv).
"""

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def post_environ(endpoint: str, token: str, secret: str, number: int) -> dict:
    """The WSGI environ of one public POST, as gunicorn would hand it over: the form with
    the CSRF cookie and token as a browser sends them, from a new visitor's address each
    request (bench.settings trusts one proxy). Also used by bench/profile_post.py."""
    if endpoint == "cookies":
        path, body = "/cookies/", f"csrfmiddlewaretoken={token}&choice=accept_all"
    elif endpoint == "bare":
        path, body = "/bench/bare-insert/", ""
    else:
        path = "/register/"
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "kind": "individual",
                "full_name": "Nguyễn Văn Tải",
                "email": f"count-{time.time_ns()}@example.vn",
                "phone_mobile": "0903123456",
                "address_home": "1 Lê Lợi, Huế",
                "purpose_surveys": "on",
                "submission_key": str(time.time_ns()),
            }
        )
    data = body.encode()
    n = number + int(time.time()) * 7
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8765",
        "HTTP_HOST": "127.0.0.1:8765",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(data),
        "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(data)),
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "HTTP_COOKIE": f"csrftoken={secret}",
        "HTTP_USER_AGENT": "Mozilla/5.0 privacysite-bench",
        "HTTP_X_FORWARDED_FOR": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
        "REMOTE_ADDR": "127.0.0.1",
    }


def csrf_pair() -> tuple[str, str]:
    """A form's CSRF token and the cookie's secret, through Django's public API."""
    from django.middleware.csrf import get_token
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    token = get_token(request)
    return token, request.META["CSRF_COOKIE"]


def measured(tree: str, endpoint: str, requests: int):
    """Runs inside valgrind: the requests."""
    import operator

    sys.path.insert(0, tree)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/privacysite_bench_hot"
    )
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    token, secret = csrf_pair()
    counter = iter(range(10**9))

    def one():
        result = app(
            post_environ(endpoint, token, secret, next(counter)),
            lambda status, headers, exc_info=None: None,
        )
        b"".join(result)
        result.close()

    for _ in range(100):
        one()

    def loop():
        for _ in range(requests):
            one()

    operator.call(loop)


def count(tree: str, endpoint: str, requests: int) -> int:
    with tempfile.NamedTemporaryFile(suffix=".callgrind") as out:
        run = subprocess.run(
            ["valgrind", "--tool=callgrind", "--toggle-collect=_operator_call"]
            + [f"--callgrind-out-file={out.name}", sys.executable, __file__, "--inside"]
            + [endpoint, "--tree", tree, "--requests", str(requests)],
            cwd=tree,
            env={**os.environ, "PYTHONHASHSEED": "0"},
            capture_output=True,
            text=True,
            check=True,
        )
    collected = [line for line in run.stderr.splitlines() if "Collected :" in line]
    return int(collected[-1].rsplit(":", 1)[1].replace(",", "").strip()) // requests


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint", choices=["cookies", "register", "bare"])
    parser.add_argument("--tree", default=str(ROOT))
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        measured(args.tree, args.endpoint, args.requests)
        return
    per_request = count(args.tree, args.endpoint, args.requests)
    print(f"{args.endpoint} ({args.tree}): {per_request:,} instructions per request")


if __name__ == "__main__":
    main()
