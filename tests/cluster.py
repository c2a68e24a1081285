"""A real Kafka broker and PostgreSQL server for tests: a fresh namespace per cluster, the
workers as real supervised processes (accelerator/kafka/cluster.py), killed for real."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from kafka.errors import KafkaError
from sqlalchemy.engine import make_url

from accelerator.kafka import cluster
from accelerator.kafka.cluster import ROOT, broker
from accelerator.kafka.principals import remove_namespace
from accelerator.runtime import Unavailable
from accelerator.settings import Settings

__all__ = ["ROOT", "Cluster", "broker", "require_servers"]

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


MADE: list[Settings] = []
"""The namespaces the tests made and have not removed yet."""


class Cluster(cluster.Cluster):
    def __init__(self, logs: Path, provision: bool = True, **overrides: object) -> None:
        require_servers()
        super().__init__(logs, None, provision, **overrides)
        MADE.append(self.settings)

    def stop(self) -> None:
        super().stop()
        remove(self.settings)


def remove(settings: Settings) -> None:
    """Its topics, principals and ACLs off the shared broker (each namespace adds ~150 ACLs,
    and the broker checks every request against them all); a broker that is away keeps them."""
    if settings not in MADE:
        return
    MADE.remove(settings)
    host, _, port = settings.kafka_bootstrap_servers.split(",")[0].rpartition(":")
    if not reachable(host, int(port)):
        return
    try:
        remove_namespace(settings.model_copy(update={"kafka_wait_seconds": 5}))
    except (Unavailable, KafkaError, OSError) as error:
        print(f"namespace {settings.topic_prefix} left on the broker: {error}")
