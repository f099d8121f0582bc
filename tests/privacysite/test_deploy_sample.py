"""The deploy samples end to end: deploy/nginx.conf (TLS, a self-signed certificate, high
ports) in front of gunicorn with deploy/gunicorn.conf.py and production settings, on the test
database (issue 16.4 and 16.7). Run as a user process; nothing is installed or left behind."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import missing

pytestmark = [pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
HOST = "privacy.example.vn"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing listens on {port}")


def site_config(tmp, http, https, upstream):
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    text = text.replace("listen 80", f"listen 127.0.0.1:{http}")
    text = text.replace("listen 443", f"listen 127.0.0.1:{https}")
    text = text.replace(f"/etc/letsencrypt/live/{HOST}/fullchain.pem", str(tmp / "cert.pem"))
    text = text.replace(f"/etc/letsencrypt/live/{HOST}/privkey.pem", str(tmp / "key.pem"))
    text = text.replace("/var/log/nginx/", f"{tmp}/")
    text = text.replace("127.0.0.1:8000", f"127.0.0.1:{upstream}")
    return text


@pytest.fixture
def deployed(postgres, tmp_path, redis_url):
    if not shutil.which("nginx"):
        missing("needs nginx (apt-get install nginx-light)")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={HOST}", "-keyout", str(tmp_path / "key.pem"),
         "-out", str(tmp_path / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    http, https, upstream = free_port(), free_port(), free_port()
    (tmp_path / "site.conf").write_text(site_config(tmp_path, http, https, upstream))
    (tmp_path / "nginx.conf").write_text(
        f"user root; worker_processes 1; pid {tmp_path}/nginx.pid;\n"
        f"error_log {tmp_path}/main-error.log;\nevents {{}}\nhttp {{\n"
        f"  client_body_temp_path {tmp_path}/body; proxy_temp_path {tmp_path}/proxy;\n"
        f"  access_log {tmp_path}/main-access.log;\n  include {tmp_path}/site.conf;\n}}\n"
    )
    db = connection.settings_dict
    env = {
        "PATH": os.environ["PATH"],
        "ENV_FILE": "",
        "DEBUG": "False",
        "SECRET_KEY": "deploy-sample-test-secret-key-0123456789abcdef",
        "FIELD_ENCRYPTION_KEYS": os.environ["FIELD_ENCRYPTION_KEYS"],
        "BLIND_INDEX_KEY": os.environ["BLIND_INDEX_KEY"],
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "ALLOWED_HOSTS": HOST,
        "TRUSTED_PROXIES": "1",
        "GUNICORN_BIND": f"127.0.0.1:{upstream}",
        "GUNICORN_WORKERS": "2",
        "EMAIL_URL": "smtp://127.0.0.1:2525",  # nothing is mailed; DEBUG off needs a server
        "ERASURE_JOURNAL": str(tmp_path / "journal.jsonl"),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    (tmp_path / "metrics").mkdir()
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "privacysite.wsgi",
         "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    check = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert check.returncode == 0, check.stderr
    nginx = subprocess.Popen(
        ["nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for(upstream)
        wait_for(https)
        yield {"http": http, "https": https, "logs": tmp_path}
    finally:
        nginx.terminate()
        gunicorn.terminate()
        nginx.wait(10)
        gunicorn.wait(10)


def curl(port, path, *, host=HOST, scheme="https", headers=()):
    args = ["curl", "-s", "-k", "-o", "/dev/null", "-D", "-", "--max-time", "10"]
    args += ["--resolve", f"{host}:{port}:127.0.0.1"]
    for header in headers:
        args += ["-H", header]
    done = subprocess.run(
        [*args, f"{scheme}://{host}:{port}{path}"], capture_output=True, text=True
    )
    status = re.search(r"^HTTP/\S+ (\d+)", done.stdout, re.M)
    return (int(status.group(1)) if status else None), done.stdout


def test_the_sample_nginx_and_gunicorn_serve_health_and_keep_queries_out_of_logs(deployed):
    https, http, logs = deployed["https"], deployed["http"], deployed["logs"]

    # The first answer waits for a gunicorn worker to load Django (preload_app is off: seconds
    # on a busy machine); no answer yet is not an answer.
    for _ in range(6):
        status, headers = curl(https, "/healthz")
        if status is not None:
            break
    assert status == 200  # the issue found 400 here (no Host, no X-Forwarded-Proto)
    assert re.search(r"^x-request-id: [0-9a-f]{32}\r?$", headers, re.M | re.I)  # nginx's id

    # Plain HTTP: redirected to HTTPS, and the search in the URL stays out of the log.
    status, headers = curl(http, "/admin/?q=an.nguyen%40example.vn", scheme="http")
    assert status == 301 and f"https://{HOST}" in headers
    status, _ = curl(https, "/admin/customers/customer/?q=0903123456")
    assert status == 302  # to the login page

    # An unknown host name is dropped by the catch-all server before Django.
    assert curl(http, "/healthz", host="203.0.113.1", scheme="http")[0] is None
    # Monitoring paths are for the monitoring network; uploads are never served as files.
    metrics = subprocess.run(
        ["curl", "-s", "-k", "--resolve", f"{HOST}:{https}:127.0.0.1", f"https://{HOST}:{https}/metrics"],
        capture_output=True, text=True,
    ).stdout  # fmt: skip
    # Counted by whichever gunicorn process answered, summed across processes.
    assert re.search(
        r'^privacysite_http_requests_total{method="GET",status="3xx"} [1-9]', metrics, re.M
    )
    assert "privacysite_database_up 1.0" in metrics
    assert curl(https, "/media/requests/2026/11/abc")[0] == 404

    # The links in customers' messages are logged without their token (issue 32, finding 7).
    token = "AbCdEf0123456789-the-token-of-a-live-link"
    links = ("/confirm/", "/preferences/", "/en/preferences/", "/my-data/open/")
    for link in (*links, "/my-data/confirm-deletion/", "/en/confirm-change/"):
        curl(https, f"{link}{token}/")

    access = (logs / "privacysite.log").read_text()
    assert token not in access
    assert '"GET /preferences/TOKEN/"' in access and '"GET /my-data/open/TOKEN/"' in access
    assert '"GET /my-data/confirm-deletion/TOKEN/"' in access
    assert "/admin/customers/customer/" in access and "rid=" in access
    everything = "".join(p.read_text() for p in logs.glob("*.log"))
    assert "example.vn" not in everything.replace(HOST, "")
    assert "0903123456" not in everything and "q=" not in everything
