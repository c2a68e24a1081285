"""A real Kafka broker and PostgreSQL server for tests: a fresh namespace per cluster, the
workers as real supervised processes (accelerator/kafka/cluster.py), killed for real."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from accelerator.kafka import cluster
from accelerator.kafka.admin import create_database, drop_database
from accelerator.kafka.auth import local_broker
from accelerator.kafka.cluster import ROOT, broker
from accelerator.settings import Settings

__all__ = ["ROOT", "Cluster", "broker", "broker_log", "require_servers", "scratch_database"]

HOW_TO_START = "start them with: bash deploy/kafka.sh start && bash deploy/postgres.sh start"


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def servers(settings: Settings) -> list[tuple[str, str, int]]:
    """The broker and the database the settings name (ACCELERATOR_KAFKA_BOOTSTRAP_SERVERS, _DATABASE_URL)."""
    host, _, port = settings.kafka_bootstrap_servers.split(",")[0].rpartition(":")
    database = make_url(settings.database_url)
    return [("Kafka", host, int(port)), ("PostgreSQL", database.host or "127.0.0.1", database.port or 5432)]


def require_servers() -> None:
    """In CI a missing server is a failure; on a laptop the test says how to start one."""
    missing = [
        f"{name} on {host}:{port}" for name, host, port in servers(Settings()) if not reachable(host, port)
    ]
    if not missing:
        return
    message = f"no {' or '.join(missing)}: {HOW_TO_START}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


class Cluster(cluster.Cluster):
    def __init__(self, logs: Path, provision: bool = True, **overrides: object) -> None:
        require_servers()
        super().__init__(logs, None, provision, **overrides)


@contextmanager
def scratch_database(name: str) -> Iterator[str]:
    """A new, empty PostgreSQL database beside the configured one (its URL), dropped after."""
    require_servers()
    url = create_database(Settings(), f"{name}_{uuid.uuid4().hex[:8]}")
    try:
        yield url
    finally:
        drop_database(Settings(), url)


NOTABLE = ("=== ", " WARN ", " ERROR ", "Failed authentication", "Kafka Server started")


def broker_log(lines: int = 25) -> str:
    """The last notable lines of this checkout's broker log (deploy/kafka.sh): its starts and
    what went wrong, for a failed Kafka test's report (a CI run shows nothing else of it)."""
    folder = local_broker(Settings())
    try:
        text = (folder / "kafka.log").read_text(errors="replace") if folder else ""
    except OSError:
        return ""
    return "\n".join([line[:300] for line in text.splitlines() if any(n in line for n in NOTABLE)][-lines:])
