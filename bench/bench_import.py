"""Issue 34 benchmark: import N customers (default 100,000), each with a service and an
invoice, from an xlsx written by openpyxl, on PostgreSQL with production settings.

Each step runs in a process of its own, as a worker runs it (the worker's code path:
``import_preview_run``, ``import_write_run``), so that its peak memory (VmHWM) is its own:

    baseline  read the file alone (openpyxl read-only, every cell, no checks)
    preview   read, check, match by blind index, record issues; writes no customer
    import    the same reading again, writing customers, services, invoices, provenance
    rerun     the same file again: preview + import, which must create nothing

The baseline and the preview alternate ``--rounds`` times (the preview of one batch is
repeatable: it is recomputed from the file); the import runs once per size. Memory is
compared across sizes (``--sizes 10000,100000``): streamed means the peak hardly grows.

    .venv/bin/python bench/bench_import.py [--sizes 10000,100000] [--rounds 3]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
from bench import harness  # noqa: E402

DATABASE = "privacysite_bench_import"
FILES = Path("/tmp/privacysite-bench-import")  # noqa: S108 (a benchmark's scratch files)


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def write_file(rows: int) -> Path:
    from openpyxl import Workbook
    from stdnum.vn import mst

    from customers.imports.columns import COLUMNS
    from demo.factories import valid_tax_code

    path = FILES / f"customers-{rows}.xlsx"
    if path.exists():
        return path
    FILES.mkdir(parents=True, exist_ok=True)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Khách hàng")
    sheet.append([header for _key, header in COLUMNS])
    keys = [key for key, _header in COLUMNS]
    import random

    rng = random.Random(34)

    def tax_code():
        while not mst.is_valid(code := valid_tax_code(rng)):
            pass
        return code

    for n in range(rows):
        business = n % 5 == 0
        row = {
            "kind": "Doanh nghiệp" if business else "Cá nhân",
            "full_name": f"Nguyễn Văn Khách {n}",
            "business_name": f"Công ty TNHH Khách {n}" if business else "",
            "tax_code": tax_code() if business else "",
            "email": f"khach{n}@example.vn",
            "phone_mobile": f"09{n:08d}"[:10],
            "address_home": f"{n % 300} Lê Lợi, Quận 1, TP. Hồ Chí Minh",
            "collected_channel": "Hợp đồng giấy",
            "collected_on": "15/03/2024",
            "last_activity": "01/10/2026",
            "product": "Lưu trữ web",
            "started_on": "15/03/2024",
            "ends_on": "15/03/2027",
            "doc_kind": "Hóa đơn",
            "doc_number": f"HD-{n:07d}",
            "doc_date": "20/03/2024",
            "fiscal_year": "2024",
            "amount": "1200000",
            "retention_class": "10 năm",
        }
        sheet.append([row.get(key, "") for key in keys])
    workbook.save(path)
    return path


def step(name: str, rows: int, batch_id: int = 0) -> dict:
    """Run one step in a child process; its JSON line is the result."""
    out = subprocess.run(
        [sys.executable, __file__, "--step", name, "--rows", str(rows), "--batch", str(batch_id)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def child(name: str, rows: int, batch_id: int) -> dict:
    harness.setup_django(DATABASE)
    from django.core.files import File

    from customers.core.actors import Actor
    from customers.imports import run, services
    from customers.imports.reader import read_rows
    from customers.models import ImportBatch

    path = write_file(rows)
    actor = Actor.system("bench")
    started = time.perf_counter()
    result = {}
    if name == "baseline":
        with path.open("rb") as handle:
            result["rows"] = sum(1 for _row in read_rows(handle)) - 1
    elif name == "upload":
        with path.open("rb") as handle:
            batch = services.import_upload(
                actor=actor, upload=File(handle, name=path.name), enqueue=False
            )
        result["batch"] = batch.pk
    elif name == "preview":
        ImportBatch.objects.filter(pk=batch_id).update(status="uploaded")
        batch = run.import_preview_run(batch_id=batch_id)
        result.update(rows=batch.rows_read, new=batch.rows_new, matched=batch.rows_matched,
                      errors=batch.rows_error)  # fmt: skip
    elif name == "import":
        batch = ImportBatch.objects.get(pk=batch_id)
        services.import_confirm(batch=batch, actor=actor, enqueue=False)
        batch = run.import_write_run(batch_id=batch_id)
        result.update(rows=batch.rows_read, written=batch.rows_written,
                      created=batch.customers_created, services=batch.services_created,
                      documents=batch.documents_created, matched=batch.rows_matched,
                      errors=batch.rows_error)  # fmt: skip
    result.update(seconds=round(time.perf_counter() - started, 2), peak_mb=round(peak_rss_mb()))
    return result


def build():
    harness.recreate_database(DATABASE)
    harness.setup_django(DATABASE)
    harness.migrate()
    from customers.retention.rules import retention_rules_ensure
    from customers.staff.services import roles_setup

    roles_setup()
    retention_rules_ensure()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--step")
    parser.add_argument("--rows", type=int, default=0)
    parser.add_argument("--batch", type=int, default=0)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(child(args.step, args.rows, args.batch)))
        return
    build()
    for rows in [int(size) for size in args.sizes.split(",")]:
        harness.setup_django(DATABASE)
        write_file(rows)
        batch = step("upload", rows)["batch"]
        baseline, preview = [], []
        for _ in range(args.rounds):  # alternating, same file, same batch
            baseline.append(step("baseline", rows))
            preview.append(step("preview", rows, batch))
        imported = step("import", rows, batch)
        again = step("upload", rows)["batch"]
        rerun_preview = step("preview", rows, again)
        rerun = step("import", rows, again)
        report = {
            "rows": rows,
            "baseline_read_s": [r["seconds"] for r in baseline],
            "preview_s": [r["seconds"] for r in preview],
            "preview_over_read": round(
                statistics.median(r["seconds"] for r in preview)
                / statistics.median(r["seconds"] for r in baseline),
                2,
            ),
            "preview_peak_mb": [r["peak_mb"] for r in preview],
            "baseline_peak_mb": [r["peak_mb"] for r in baseline],
            "preview_counts": {k: preview[-1][k] for k in ("rows", "new", "matched", "errors")},
            "import": imported,
            "rerun_preview": rerun_preview,
            "rerun_import": rerun,
        }
        print(json.dumps(report, ensure_ascii=False, indent=1), flush=True)


if __name__ == "__main__":
    main()
