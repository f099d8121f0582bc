"""`make run`'s worker and beat come back when they stop on their own, and say so (issue 32,
finding 11: kombu's filesystem transport made the worker exit under a burst of API calls);
Ctrl-C still stops everything."""

import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_a_command_that_stops_is_started_again_and_the_loop_stops_on_sigterm(tmp_path):
    runs = tmp_path / "runs"
    # Each run appends a line, the first one dies at once as the worker did; later ones wait.
    command = f'echo run >> {runs}; [ "$(wc -l < {runs})" -gt 1 ] && exec sleep 60; exit 1'
    loop = subprocess.Popen(
        [str(ROOT / "scripts/keep_running.sh"), "worker", "bash", "-c", command],
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 15
    while (
        time.monotonic() < deadline and runs.read_text().count("run") < 2 if runs.exists() else True
    ):
        time.sleep(0.2)
    assert runs.read_text().count("run") == 2
    loop.send_signal(signal.SIGTERM)
    assert loop.wait(timeout=10) == 0
    assert "worker stopped (exit 1); starting it again" in loop.stderr.read()
