"""Shared benchmark helpers: a database to fill, a gunicorn to start, a load to send.

Everything runs on loopback and stops by itself (bounded durations and counts)."""

import contextlib
import http.client
import itertools
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
sys.path.insert(0, str(ROOT))


def setup_django(database: str | None = None):
    if database:
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    import django

    django.setup()


def recreate_database(name: str):
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)


def migrate():
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from customers.consents.services.seed import consents_seed

    consents_seed()


def populate_customers(count: int, *, consent_share: float = 0.0, batch: int = 20_000):
    """Insert ``count`` customers with COPY: unique encrypted emails and blind indexes, phones
    and addresses from a pool of encrypted values (the columns have the real shape)."""
    from django.db import connection
    from django.utils import timezone

    from customers.core import crypto
    from customers.core.folding import fold
    from customers.core.personal_data import normalise_email, normalise_phone
    from demo.factories import valid_tax_code, vn_mobile

    rng = random.Random(7)
    pool = []
    for _ in range(1000):
        phone = vn_mobile(rng)
        pool.append(
            (
                crypto.encrypt(phone),
                crypto.blind_index(normalise_phone(phone)),
                crypto.encrypt(f"{rng.randint(1, 300)} Lê Lợi, Quận 1, TP. Hồ Chí Minh"),
                crypto.encrypt(tax := valid_tax_code(rng)),
                crypto.blind_index(tax),
            )
        )
    now = timezone.now()
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung", "Võ Minh Em"]
    blank = (
        "business_name",
        "contact_person",
        "business_name_folded",
        "contact_person_folded",
        "phone_home",
        "phone_office",
        "address_office",
        "notes",
        "tax_code_index",
        "phone_home_index",
        "phone_office_index",
        "email_suspension_reason",
    )

    def row(n):
        phone, phone_idx, address, tax, tax_idx = pool[n % 1000]
        email = f"khach{n}@example.vn"
        business = n % 3 == 0
        return {
            **dict.fromkeys(blank, ""),
            "kind": "business" if business else "individual",
            "full_name": f"{names[n % 5]} {n}",
            "full_name_folded": fold(f"{names[n % 5]} {n}"),
            "tax_code": tax if business else "",
            "tax_code_index": tax_idx if business else "",
            "email": crypto.encrypt(email),
            "email_index": crypto.blind_index(normalise_email(email)),
            "phone_mobile": phone,
            "phone_mobile_index": phone_idx,
            "address_home": address,
            "preferred_language": "vi",
            "preferred_channel": "email",
            "source": "web",
            "status": "active",
            "created_at": now,
            "updated_at": now,
            "last_activity_at": now,
            "no_publication": False,
        }

    columns = ", ".join(row(0))
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM customers_customer")
        start = cursor.fetchone()[0]
        for offset in range(0, count, batch):
            with cursor.connection.cursor().copy(
                f"COPY customers_customer ({columns}) FROM STDIN"
            ) as copy:
                for i in range(offset, min(offset + batch, count)):
                    copy.write_row(tuple(row(start + i).values()))
            print(f"  customers: {min(offset + batch, count)}/{count}", flush=True)
        if consent_share:
            _populate_consents(cursor, start, "marketing_email", consent_share)
            _populate_consents(cursor, start, "surveys", consent_share * 2)
            _populate_consents(cursor, start, "marketing_sms", consent_share / 2)
        cursor.execute("ANALYZE")


def _populate_consents(cursor, start, code, share):
    from customers.consents.models import PolicyVersion, Purpose

    purpose = Purpose.objects.get(code=code)
    policy = PolicyVersion.objects.get(number=1)
    step = round(1 / share)
    cursor.execute(
        "INSERT INTO consents_consentevent (customer_id, purpose_id, action, policy_version_id, "
        "wording, wording_hash, language, channel, ip_address, user_agent, call_reference, "
        "created_at) SELECT id, %s, 'granted', %s, %s, %s, 'vi', 'web_form', '', '', '', now() "
        "FROM customers_customer WHERE id > %s AND id %% %s = 0",
        [purpose.pk, policy.pk, purpose.description_vi, purpose.wording_hash, start, step],
    )
    cursor.execute(
        "INSERT INTO consents_consentstate (customer_id, purpose_id, granted, wording_hash, "
        "last_event_id, since) SELECT customer_id, purpose_id, true, wording_hash, id, created_at "
        "FROM consents_consentevent WHERE purpose_id = %s",
        [purpose.pk],
    )


def timed(fn, repeat=15):
    """Median and p90 seconds of ``repeat`` calls, after one warm-up call."""
    fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.9) - 1]


@contextlib.contextmanager
def gunicorn(workers=2, port=8765, env=None):
    """gunicorn serving bench.settings on loopback; stopped on exit."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "privacysite.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **(env or {}), "DJANGO_SETTINGS_MODULE": "bench.settings"},
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                # Answered, not only connected: the master listens long before a worker has
                # loaded Django (seconds on a busy machine), which a load would count.
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request("GET", "/")
                connection.getresponse().read()
                break
            time.sleep(0.2)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


_visitors = itertools.count(1 << 20)  # next() on a count is atomic: safe across threads


def visitor_address() -> str:
    n = next(_visitors)
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


class Client:
    """A keep-alive HTTP client with cookies and the CSRF token, like a browser form."""

    def __init__(self, host):
        self.host = host
        self.conn = http.client.HTTPConnection(*host.split(":"), timeout=30)
        self.cookies = {}

    def request(self, method, path, body=None):
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "User-Agent": "privacysite-bench",
            "Host": self.host.split(":")[0],
            # A visitor's address each request (bench.settings trusts one proxy, as behind
            # nginx): the public forms keep their production limit per address.
            "X-Forwarded-For": visitor_address(),
        }
        if body is not None:
            body = urllib.parse.urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}{path}"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data

    def csrf(self, path):
        _, html = self.request("GET", path)
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1).decode()


def load(host, make_request, *, clients=8, seconds=10.0):
    """Run ``make_request(client, i)`` in ``clients`` threads for ``seconds``; returns
    (requests per second, p50 ms, p99 ms, errors, ok count)."""
    latencies, errors, stop = [], [0], time.monotonic() + seconds
    lock = threading.Lock()

    def worker(index):
        client = Client(host)
        state = make_request(client, None)  # preparation (CSRF token)
        i = 0
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            try:
                ok = make_request(client, (index, i, state))
            except Exception:
                ok = False
                client = Client(host)
                state = make_request(client, None)
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors[0] += 1
            i += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    duration = time.monotonic() - started
    latencies.sort()
    count = len(latencies)
    return (
        count / duration,
        latencies[count // 2] * 1000,
        latencies[min(count - 1, int(count * 0.99))] * 1000,
        errors[0],
        count - errors[0],
    )


def login_verified(client, user):
    """Sign a test client in as the admin requires (TOTP device verified, agreement accepted)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from customers.staff.services import agreement_accept, agreement_ensure_exists

    client.force_login(user)
    device, _created = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    agreement_accept(user=user, agreement=agreement_ensure_exists())
