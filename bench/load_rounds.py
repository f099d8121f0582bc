"""Issue 18: bench/load.py on two trees, alternating, in one run: ``--base`` (a checkout of
the commit to compare with, sharing this .venv) and this tree.

    git archive <commit> | tar -x -C /tmp/base && ln -s $PWD/.venv /tmp/base/.venv
    cp bench/load.py bench/harness.py /tmp/base/bench/   # the same load on both
    .venv/bin/python bench/load_rounds.py --base /tmp/base [--rounds 3 --seconds 30] \
        [--generator wrk]
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(tree: Path, clients: int, seconds: float, generator: str):
    out = subprocess.run(
        [
            sys.executable,
            "bench/load.py",
            "--clients",
            str(clients),
            "--seconds",
            str(seconds),
            "--generator",
            generator,
        ],
        cwd=tree,
        capture_output=True,
        text=True,
        env=os.environ,
    ).stdout
    match = re.search(r"all: (\d+) requests, ([\d.]+) req/s, (\d+) errors", out)
    stored = "every accepted submission is in the database" in out
    return float(match.group(2)), int(match.group(3)), stored, out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--generator", choices=["threads", "wrk"], default="threads")
    args = parser.parse_args()
    trees = {"before": Path(args.base), "after": ROOT}
    results = {"before": [], "after": []}
    for round_ in range(args.rounds):
        order = ["before", "after"] if round_ % 2 == 0 else ["after", "before"]
        for name in order:
            rate, errors, stored, out = run(trees[name], args.clients, args.seconds, args.generator)
            results[name].append((rate, errors, stored))
            print(
                f"round {round_ + 1} {name}: {rate:.1f} req/s, {errors} errors, "
                f"{'all stored' if stored else 'NOT ALL STORED'}",
                flush=True,
            )
            if name == "after" and round_ == args.rounds - 1:
                print(out)
    ratios = [a[0] / b[0] for a, b in zip(results["after"], results["before"], strict=True)]
    print("\n| tree | req/s per round | errors | every accepted submission stored |")
    print("|---|---|---|---|")
    for name, runs in results.items():
        print(
            f"| {name} | {' · '.join(f'{r[0]:.0f}' for r in runs)} | "
            f"{sum(r[1] for r in runs)} | {'yes' if all(r[2] for r in runs) else 'NO'} |"
        )
    print(
        f"\nafter ÷ before: {' · '.join(f'{r:.2f}×' for r in ratios)}, "
        f"median **{statistics.median(ratios):.2f}×**"
    )


if __name__ == "__main__":
    main()
