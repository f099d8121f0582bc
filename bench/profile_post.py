"""Where a public POST's time goes, by part (cProfile, in-process through the WSGI handler,
bench.settings on PostgreSQL and Redis): the profile behind BENCHMARKS.md's "where the time
goes" table.

    .venv/bin/python bench/profile_post.py cookies|register [--requests 600]

Needs the database bench_hot.py builds (privacysite_bench_hot).
"""

import argparse
import cProfile
import os
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/privacysite_bench_hot")

# Each part: a test on cProfile's (file, line, function) key; its cumulative time is shown.
PARTS = {
    "the INSERT (execute, incl. waiting for PostgreSQL)": lambda f, n: (
        n == "execute" and f.endswith("backends/utils.py")
    ),
    "URL resolving": lambda f, n: n == "resolve_request",
    "CSRF check": lambda f, n: n == "process_view" and f.endswith("middleware/csrf.py"),
    "CSP header (django-csp)": lambda f, n: n == "process_response" and "csp/middleware" in f,
    "locale middleware": lambda f, n: (
        "middleware/locale.py" in f and n in ("process_request", "process_response")
    ),
    "form construction (Django's deep copy of the fields)": lambda f, n: (
        n == "__init__" and f.endswith("forms/forms.py")
    ),
    "form cleaning (full_clean)": lambda f, n: n == "full_clean" and f.endswith("forms/forms.py"),
    "Fernet encryption": lambda f, n: n == "encrypt" and "fernet" in f,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint", choices=["cookies", "register"])
    parser.add_argument("--requests", type=int, default=600)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application

    from bench.instructions import csrf_pair, post_environ

    app = get_wsgi_application()
    token, secret = csrf_pair()
    statuses = {}
    counter = iter(range(10**9))

    def one():
        def start_response(status, headers, exc_info=None):
            statuses[status] = statuses.get(status, 0) + 1

        result = app(post_environ(args.endpoint, token, secret, next(counter)), start_response)
        b"".join(result)
        result.close()

    for _ in range(100):
        one()
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.requests):
        one()
    profile.disable()
    stats = pstats.Stats(profile).stats
    whole = sum(v[3] for (f, _, n), v in stats.items() if n == "__call__" and f.endswith("wsgi.py"))
    print(f"{args.endpoint}: {args.requests} requests, answers {statuses}")
    print(f"{'whole request':55s} {whole / args.requests * 1e6:7.0f} µs  100.0 %")
    for name, test in PARTS.items():
        part = sum(v[3] for (f, _, n), v in stats.items() if test(f, n))
        print(f"{name:55s} {part / args.requests * 1e6:7.0f} µs  {100 * part / whole:5.1f} %")


if __name__ == "__main__":
    main()
