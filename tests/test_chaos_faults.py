"""The chaos kills workers on its own schedule, while the broker is away too, and never ends
with the broker stopped or a restart still under way."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from accelerator.chaos import faults
from accelerator.chaos.faults import Chaos


class Workers:
    """A cluster whose workers are only counted when killed."""

    def __init__(self) -> None:
        self.supervisors = {"intake": None, "projector": None}
        self.settings = None
        self.killed: list[tuple[str, bool]] = []  # (label, while the broker was away)
        self.away = threading.Event()

    def kill(self, label: str) -> None:
        self.killed.append((label, self.away.is_set()))


class SlowBroker:
    """deploy/kafka.sh whose restart takes `seconds`, as on a loaded machine."""

    def __init__(self, workers: Workers, seconds: float, start_fails: bool = False) -> None:
        self.workers, self.seconds, self.start_fails = workers, seconds, start_fails
        self.calls: list[str] = []

    def __call__(self, action: str, settings: Any, timeout: float = 0) -> None:
        self.calls.append(action)
        if action == "stop":
            self.workers.away.set()
            time.sleep(self.seconds)
        elif action == "start":
            if self.start_fails:
                raise faults.subprocess.CalledProcessError(1, ["deploy/kafka.sh", "start"])
            self.workers.away.clear()


def chaos(monkeypatch: pytest.MonkeyPatch, restart_seconds: float, start_fails: bool = False) -> Chaos:
    workers = Workers()
    monkeypatch.setattr(faults, "broker", SlowBroker(workers, restart_seconds, start_fails))
    return Chaos(workers, seconds=1.2, broker_restarts=1, every=(0.02, 0.04), say=lambda _: None)  # type: ignore[arg-type]


def test_workers_are_killed_while_a_slow_broker_restart_is_under_way(monkeypatch: pytest.MonkeyPatch) -> None:
    run = chaos(monkeypatch, restart_seconds=0.5)
    run.pauses = [0.0]
    run.start()
    run.join(10)
    run.stop()
    killed = run.cluster.killed  # type: ignore[attr-defined]
    assert any(away for _, away in killed), "no worker was killed while the broker was away"
    assert sum(run.havoc.kills.values()) == len(killed) >= 10  # about 40 ticks, one the restart
    assert run.havoc.broker_restarts == 1 and run.havoc.error is None


def test_stopping_the_chaos_waits_for_the_broker_to_be_started_again(monkeypatch: pytest.MonkeyPatch) -> None:
    run = chaos(monkeypatch, restart_seconds=0.8)
    run.pauses = [0.0]
    run.start()
    while not run.restarts:
        time.sleep(0.01)
    run.stop()  # the restart is under way: stop returns once the broker was started again
    assert faults.broker.calls == ["stop", "start"]  # type: ignore[attr-defined]
    assert not run.cluster.away.is_set()  # type: ignore[attr-defined]


def test_a_broker_that_does_not_start_again_is_the_chaos_error(monkeypatch: pytest.MonkeyPatch) -> None:
    run = chaos(monkeypatch, restart_seconds=0.1, start_fails=True)
    run.pauses = [0.0]
    run.start()
    run.join(10)
    run.stop()
    assert run.havoc.broker_restarts == 0
    assert run.havoc.error is not None and run.havoc.error.startswith("chaos: the broker did not come back")
