"""Issue 32: what one journal entry costs an erasure or a withdrawal (written inside its
transaction, before the commit), and what reading the whole journal costs a restore.

    .venv/bin/python bench/bench_journal.py [--rounds 3] [--writes 200] [--entries 2000]

Per round, A B C then C B A (alternating):
- file: the earlier single-file journal's append (O_APPEND, flock, one write, fsync), the
  baseline; still the access-log anchors' writer (``journal.line_append``);
- folder: one file per entry (exclusive create, write, fsync, fsync of the folder), the
  local journal of ``make run``;
- s3: one object per entry in moto's S3 server on loopback through django-storages, as the
  shared journal is written (a real object store adds its network round trip).
Then reading ``--entries`` entries whole (a restore's list + read) from the folder and from
the S3 server. Reported: median per entry and the spread over the rounds, ratios to file.
No database is used.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness  # noqa: E402

BUCKET = "privacysite-bench-journal"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--entries", type=int, default=2000)
    args = parser.parse_args()
    harness.setup_django()

    import boto3
    import environ
    from django.core.files.storage import storages
    from moto.server import ThreadedMotoServer

    from privacysite import journal
    from privacysite.journal_store import FolderStore, StorageStore, entry_name
    from privacysite.media_settings import journal_storage

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    os.environ.update(
        ERASURE_JOURNAL_URL=f"s3://{BUCKET}/journal",
        MEDIA_S3_ENDPOINT_URL=f"http://{host}:{port}",
        MEDIA_S3_REGION="us-east-1",
        MEDIA_S3_ACCESS_KEY="bench",
        MEDIA_S3_SECRET_KEY="bench",
    )
    boto3.client(
        "s3",
        endpoint_url=f"http://{host}:{port}",
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
    ).create_bucket(Bucket=BUCKET)
    config = journal_storage(environ.Env())
    s3 = StorageStore(storages.create_storage(config))
    tmp = Path(tempfile.mkdtemp(prefix="bench-journal-", dir="/var/tmp"))
    entry = b'{"at":"2026-12-06T00:00:00+00:00","customers":[[1,"x"]],"kind":"erasure"}'
    from django.utils import timezone

    def file_pass(n):
        for _ in range(n):
            journal.line_append(tmp / "file" / "erasures.jsonl", {"kind": "erasure"})

    folder = FolderStore(tmp / "folder")

    def folder_pass(n):
        for _ in range(n):
            folder.write(entry_name("erasure", timezone.now()), entry)

    def s3_pass(n):
        for _ in range(n):
            s3.write(entry_name("erasure", timezone.now()), entry)

    passes = {"file": file_pass, "folder": folder_pass, "s3": s3_pass}
    results = {name: [] for name in passes}
    for round_ in range(args.rounds):
        order = list(passes) if round_ % 2 == 0 else list(reversed(passes))
        for name in order:
            t0 = time.perf_counter()
            passes[name](args.writes)
            results[name].append((time.perf_counter() - t0) / args.writes)

    def show(label, samples, base=None):
        median = statistics.median(samples)
        line = f"{label:28} {median * 1000:8.3f} ms  (spread {min(samples) * 1000:.3f}–"
        line += f"{max(samples) * 1000:.3f})"
        if base:
            line += f"  ×{median / statistics.median(base):.2f} of file"
        print(line)

    print(f"one entry written, median of {args.rounds} rounds of {args.writes}:")
    for name in passes:
        show(name, results[name], results["file"] if name != "file" else None)

    # A restore reads the journal whole.
    reader_folder = FolderStore(tmp / "read-folder")
    reader_s3_names = []
    for _ in range(args.entries):
        name = entry_name("erasure", timezone.now())
        reader_folder.write(name, entry)
        reader_s3_names.append(name)
    s3_read = StorageStore(
        storages.create_storage({**config, "OPTIONS": {**config["OPTIONS"], "location": "read"}})
    )
    for name in reader_s3_names:
        s3_read.write(name, entry)
    reads = {"folder": [], "s3": []}
    for round_ in range(args.rounds):
        order = ["folder", "s3"] if round_ % 2 == 0 else ["s3", "folder"]
        for name in order:
            store = reader_folder if name == "folder" else s3_read
            t0 = time.perf_counter()
            names = store.names()
            store.read(names)
            reads[name].append(time.perf_counter() - t0)
    print(f"the whole journal read ({args.entries} entries), seconds:")
    for name, samples in reads.items():
        print(
            f"{name:28} {statistics.median(samples):8.3f} s  "
            f"(spread {min(samples):.3f}–{max(samples):.3f})"
        )
    server.stop()


if __name__ == "__main__":
    main()
