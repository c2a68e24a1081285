"""A namespace of its own on a real broker — topics under a fresh prefix, a fresh PostgreSQL
database — with every worker as a real process under a supervisor (`accelerator up --only`),
as in production: a worker that is SIGKILLed, or ends itself because it is stuck, comes back.

Used by the Kafka tests, the chaos run (`accelerator chaos`) and the benchmarks.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import IO, Any, Self

from cryptography.fernet import Fernet
from pydantic import SecretStr

from accelerator.kafka.admin import create_database, create_topics, drop_database
from accelerator.kafka.auth import CredentialsFile, credentials_path
from accelerator.kafka.client import KafkaRuntime
from accelerator.kafka.principals import provision as provision_principals
from accelerator.kafka.principals import secured
from accelerator.kafka.topics import Names
from accelerator.kafka.workers import WORKERS, environment
from accelerator.settings import Settings
from services.kernel import Clock

ROOT = Path(__file__).resolve().parent.parent.parent


class Cluster:
    def __init__(
        self, logs: Path, base: Settings | None = None, provision: bool = True, **overrides: object
    ) -> None:
        base = base or Settings()
        self.base = base
        tag = uuid.uuid4().hex[:8]
        self.settings = base.model_copy(
            update={
                "runtime": "kafka",
                "topic_prefix": f"t{tag}.",
                "database_url": create_database(base, f"accelerator_{tag}"),
                "partitions": 3,
                "session_timeout_ms": 6000,
                "reply_timeout_seconds": 90,
                "liveness_seconds": 30,
                "finance_outbox": logs / "outbox",
                "debtor_name": base.debtor_name or "Stad Brugge",
                "debtor_iban": base.debtor_iban or "BE68539007547034",
                "webhook_key": base.webhook_key or SecretStr(Fernet.generate_key().decode()),
                **overrides,
            }
        )
        self.logs = logs
        if secured(self.settings):
            self.settings = with_own_principals(self.settings, logs)
        if provision:
            create_topics(self.settings)
        self.names = Names(self.settings.topic_prefix)
        self.supervisors: dict[str, subprocess.Popen[bytes]] = {}
        self.workers: dict[str, str] = {}  # label -> worker name
        self.runtimes: list[KafkaRuntime] = []
        self._outputs: list[IO[bytes]] = []

    def broker(self, action: str) -> None:
        """deploy/kafka.sh on the broker these tests use (its port from the settings)."""
        broker(action, self.settings)

    def start(self, *names: str, instance: str = "1") -> Self:
        """Start workers, each under its own supervisor; a second `instance` of a service
        joins its consumer group (scale-out)."""
        for name in names or WORKERS:
            label = name if instance == "1" else f"{name}-{instance}"
            self.workers[label] = name
            output = (self.logs / f"{label}.log").open("ab")
            self._outputs.append(output)
            self.supervisors[label] = subprocess.Popen(
                [sys.executable, "-m", "accelerator.cli", "up", "--only", name],
                env={
                    **environment(self.settings),
                    "ACCELERATOR_SCHEDULER_INTERVAL_SECONDS": "3600",
                    "ACCELERATOR_INSTANCE": instance,
                },
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        return self

    def worker_pid(self, label: str, timeout: float = 30) -> int:
        """The running worker process of this supervisor (waiting while it is restarted)."""
        supervisor = self.supervisors[label].pid
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            children = Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()
            if children:
                return int(children[0])
            time.sleep(0.05)
        raise TimeoutError(f"{label}: no worker process under its supervisor")

    def kill(self, label: str) -> None:
        """SIGKILL the worker: no clean-up, no last commit. Its supervisor starts a new one."""
        os.kill(self.worker_pid(label), signal.SIGKILL)

    def remove(self, label: str) -> None:
        """SIGKILL a worker and its supervisor: it leaves for good, mid-transaction."""
        worker = self.worker_pid(label)
        supervisor = self.supervisors.pop(label)
        supervisor.send_signal(signal.SIGKILL)
        supervisor.wait(10)
        os.kill(worker, signal.SIGKILL)

    def restarts(self, label: str) -> int:
        """How many times the supervisor restarted this worker (from its log)."""
        text = (self.logs / f"{label}.log").read_text(errors="replace")
        return text.count(f"up: worker {self.workers[label]} restarted")

    def runtime(self, clock: Clock, **overrides: Any) -> KafkaRuntime:
        """A client of this cluster; `overrides` are its own settings (a shorter wait, say)."""
        runtime = KafkaRuntime(self.settings.model_copy(update=overrides), clock)
        self.runtimes.append(runtime)
        return runtime

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        for runtime in self.runtimes:
            runtime.close()
        for supervisor in self.supervisors.values():
            supervisor.terminate()
        for supervisor in self.supervisors.values():
            try:
                supervisor.wait(40)
            except subprocess.TimeoutExpired:
                supervisor.kill()
        for output in self._outputs:
            output.close()
        drop_database(self.base, self.settings.database_url)  # its logs stay, for a failed test


def broker(action: str, settings: Settings, timeout: float = 300) -> None:
    """Stop, start or kill the broker at the configured address (deploy/kafka.sh, this checkout)."""
    port = settings.kafka_bootstrap_servers.split(",")[0].rpartition(":")[2]
    subprocess.run(
        ["bash", str(ROOT / "deploy" / "kafka.sh"), action],
        env={**os.environ, "KAFKA_PORT": port},
        check=True,
        timeout=timeout,
        capture_output=True,
    )


def with_own_principals(settings: Settings, folder: Path) -> Settings:
    """Its workers' own principals (under its topic prefix), in a credentials file of its own
    in `folder` (with the admin's, copied from the broker's)."""
    broker_file = credentials_path(settings)
    own = folder / "credentials.json"
    (CredentialsFile.read(broker_file) if broker_file else CredentialsFile()).write(own)
    settings = settings.model_copy(update={"kafka_credentials": own})
    provision_principals(settings)
    return settings
