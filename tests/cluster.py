"""A real Kafka broker and PostgreSQL server for tests: a fresh namespace per cluster, the
workers as real supervised processes (accelerator/kafka/cluster.py), killed for real."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from accelerator.kafka import cluster
from accelerator.kafka.cluster import ROOT

__all__ = ["ROOT", "Cluster", "require_servers"]

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


class Cluster(cluster.Cluster):
    def __init__(self, logs: Path, provision: bool = True, **overrides: object) -> None:
        require_servers()
        super().__init__(logs, None, provision, **overrides)
