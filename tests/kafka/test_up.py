"""`accelerator up`: every worker its own process; Ctrl-C stops them all, cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from accelerator.kafka.workers import WORKERS, environment
from services.intake.commands import PublishChallenge
from services.kernel import VirtualClock
from tests import builders as b
from tests.cluster import ROOT, Cluster
from tests.fakes import at

pytestmark = pytest.mark.kafka


def processes_with(prefix: str) -> list[int]:
    """The processes whose environment names this cluster's topic prefix."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if f"ACCELERATOR_TOPIC_PREFIX={prefix}".encode() in environ.read_bytes():
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return found


def test_up_runs_every_worker_and_ctrl_c_stops_them_all(tmp_path: Path) -> None:
    cluster = Cluster(tmp_path)
    log = (tmp_path / "up.log").open("wb")
    up = subprocess.Popen(
        [sys.executable, "-m", "accelerator.cli", "up"],
        env=environment(cluster.settings),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        runtime = cluster.runtime(VirtualClock(at(date(2027, 1, 4))))
        runtime.handle(PublishChallenge(**b.published().model_dump()))  # intake answers
        assert [c.challenge_id for c in runtime.challenges()] == [b.CHALLENGE]  # the projector too
        workers = processes_with(cluster.settings.topic_prefix)
        assert len(workers) == 1 + len(WORKERS)
        status = subprocess.run(
            [sys.executable, "-m", "accelerator.cli", "status"],
            env=environment(cluster.settings),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert status.returncode == 0, status.stderr
        assert all(f"│ {name} " in status.stdout for name in WORKERS), status.stdout
        victim = next(pid for pid in workers if pid != up.pid)
        os.kill(victim, signal.SIGKILL)  # the supervisor says so and starts it again
        deadline = time.monotonic() + 60
        while "restarted" not in (tmp_path / "up.log").read_text() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "restarted" in (tmp_path / "up.log").read_text()
        assert len(processes_with(cluster.settings.topic_prefix)) == 1 + len(WORKERS)
        up.send_signal(signal.SIGINT)
        assert up.wait(60) == 0
        assert processes_with(cluster.settings.topic_prefix) == []
    finally:
        if up.poll() is None:
            up.kill()
        cluster.stop()
