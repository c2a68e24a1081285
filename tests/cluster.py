"""A real Kafka broker and PostgreSQL server for tests: fresh topics and database per cluster,
the workers as real processes (`python -m accelerator.cli worker NAME`), killed for real."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from accelerator.kafka.admin import create_database, create_topics
from accelerator.kafka.client import KafkaRuntime
from accelerator.kafka.topics import Names
from accelerator.kafka.workers import WORKERS, environment
from accelerator.settings import Settings
from services.kernel import Clock

ROOT = Path(__file__).resolve().parent.parent
HOW_TO_START = "start them with: bash deploy/kafka.sh start && bash deploy/postgres.sh start"


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_servers() -> None:
    """In CI a missing server is a failure; on a laptop the test says how to start one."""
    missing = [
        name for name, port in (("Kafka", 9092), ("PostgreSQL", 5432)) if not reachable("127.0.0.1", port)
    ]
    if not missing:
        return
    message = f"no {' or '.join(missing)} on 127.0.0.1: {HOW_TO_START}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


class Cluster:
    def __init__(self, logs: Path) -> None:
        require_servers()
        tag = uuid.uuid4().hex[:8]
        self.settings = Settings(
            runtime="kafka",
            topic_prefix=f"t{tag}.",
            database_url=create_database(Settings(), f"accelerator_{tag}"),
            partitions=3,
            session_timeout_ms=6000,
            reply_timeout_seconds=90,
            finance_outbox=logs / "outbox",
            debtor_name="Stad Brugge",
            debtor_iban="BE68539007547034",
        )
        create_topics(self.settings)
        self.names = Names(self.settings.topic_prefix)
        self.logs = logs
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.runtimes: list[KafkaRuntime] = []

    def start(self, *names: str, instance: str = "1") -> Cluster:
        """Start workers; a second `instance` of a service joins its consumer group (scale-out)."""
        for name in names or WORKERS:
            log = (self.logs / f"{name}-{instance}.log").open("ab")
            label = name if instance == "1" else f"{name}-{instance}"
            self.processes[label] = subprocess.Popen(
                [sys.executable, "-m", "accelerator.cli", "worker", name],
                env={
                    **environment(self.settings),
                    "ACCELERATOR_SCHEDULER_INTERVAL_SECONDS": "3600",
                    "ACCELERATOR_INSTANCE": instance,
                },
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        return self

    def kill(self, name: str) -> None:
        """SIGKILL: no clean-up, no last commit; whatever was in flight is in flight."""
        process = self.processes.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    def runtime(self, clock: Clock) -> KafkaRuntime:
        runtime = KafkaRuntime(self.settings, clock)
        self.runtimes.append(runtime)
        return runtime

    def stop(self) -> None:
        for runtime in self.runtimes:
            runtime.close()
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
