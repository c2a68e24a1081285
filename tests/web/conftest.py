"""The web app around a small two-city programme, on the embedded runtime and (marked kafka)
on a real broker: one parametrised fixture, so every API test runs on both."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from accelerator.bootstrap import embedded
from accelerator.settings import Settings
from accelerator.web.app import create_app
from accelerator.web.tokens import TokenStore, create_tables
from services.kernel import VirtualClock
from tests.cluster import Cluster
from tests.fakes import at
from tests.web.world import World, build, issue_tokens

RUNTIMES = ["embedded", pytest.param("kafka", marks=pytest.mark.kafka)]


@dataclass
class Api:
    """An HTTP client of the app with one role's token; waits out Kafka's 202s."""

    client: TestClient
    token: str | None

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        auth = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return auth | (extra or {})

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.client.get(f"/api/v1{path}", params=params, headers=self.headers())

    def send(self, command: str, body: dict[str, Any], key: str | None = None) -> httpx.Response:
        headers = self.headers({"Idempotency-Key": key} if key else None)
        response = self.client.post(f"/api/v1/commands/{command}", json=body, headers=headers)
        return self.settled(response)

    def settled(self, response: httpx.Response, seconds: float = 90) -> httpx.Response:
        """Kafka answers 202 with a link: the outcome, once it is there."""
        deadline = time.monotonic() + seconds
        while response.status_code == 202 and time.monotonic() < deadline:
            time.sleep(0.2)
            response = self.client.get(response.json()["outcome"], headers=self.headers())
        return response


def make_world(kind: str, tmp: Path) -> Iterator[tuple[World, FastAPI]]:
    clock = VirtualClock(at(date(2027, 1, 4)))
    cluster = None
    if kind == "kafka":
        cluster = Cluster(tmp).start()
    else:
        runtime: Any = embedded(Settings(store=tmp / "web.db"), clock)
    try:
        if cluster is not None:
            runtime = cluster.runtime(clock)  # inside: a cluster whose client fails is stopped too
        build(runtime, clock)
        create_tables(runtime.engine)
        tokens = TokenStore(runtime.engine)
        world = World(runtime, clock, issue_tokens(tokens))
        yield world, create_app(runtime, tokens)
    finally:
        if cluster is not None:
            cluster.stop()
        else:
            runtime.close()


@pytest.fixture(scope="module", params=RUNTIMES)
def programme(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[World, FastAPI]]:
    """One programme per test module and runtime (tests that change it say so)."""
    yield from make_world(request.param, tmp_path_factory.mktemp(f"web-{request.param}"))


@pytest.fixture(scope="module")
def world(programme: tuple[World, FastAPI]) -> World:
    return programme[0]


@pytest.fixture(scope="module")
def client(programme: tuple[World, FastAPI]) -> Iterator[TestClient]:
    with TestClient(programme[1]) as client:
        yield client


@pytest.fixture(scope="module")
def as_(world: World, client: TestClient) -> Any:
    """`as_("brugge")`: the API as that role (`as_(None)`: without a token)."""
    return lambda role: Api(client, world.tokens[role] if role else None)
