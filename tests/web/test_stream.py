"""The live stream: a client that disconnects and comes back with Last-Event-ID gets every
event once; each role gets only what it may see."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from accelerator.embedded.runtime import EmbeddedRuntime
from accelerator.web.feeds import feed_for
from tests.web.world import WATT


def read(
    client: TestClient, token: str, count: int, headers: dict[str, str] | None = None, **params: Any
) -> list[tuple[str, dict[str, Any]]]:
    """The first `count` events of a stream, then hang up."""
    found: list[tuple[str, dict[str, Any]]] = []
    auth = {"Authorization": f"Bearer {token}"} | (headers or {})
    with client.stream("GET", "/api/v1/stream", params=params, headers=auth) as response:
        assert response.status_code == 200, response.read()
        event_id = None
        for line in response.iter_lines():
            if line.startswith("id:"):
                event_id = line.removeprefix("id:").strip()
            elif line.startswith("data:"):
                found.append((str(event_id), json.loads(line.removeprefix("data:").strip())))
                if len(found) == count:
                    break
    return found


def test_a_client_that_resumes_with_last_event_id_gets_every_event_once(
    world: Any, client: TestClient
) -> None:
    token = world.tokens["manager"]
    everything = world.runtime.history()
    first = read(client, token, 10, from_start="true")
    rest = read(client, token, len(everything) - 10, headers={"Last-Event-ID": first[-1][0]})
    got = [ce for _, ce in first + rest]
    assert len({ce["id"] for ce in got}) == len(got) == len(everything)  # every event, once
    assert all(ce.get("stream") for ce in got)
    assert by_stream(got) == by_stream([ce.model_dump(mode="json") for ce in everything])
    # each stream's events in their order (Kafka has no order across partitions)
    if isinstance(world.runtime, EmbeddedRuntime):  # the embedded log has one order
        assert [ce["id"] for ce in got] == [ce.id for ce in everything]


def by_stream(events: list[dict[str, Any]]) -> dict[tuple[str, str], list[str]]:
    """Each (subject, stream)'s event ids in the order they came."""
    found: dict[tuple[str, str], list[str]] = {}
    for ce in events:
        found.setdefault((str(ce["subject"]), str(ce.get("stream"))), []).append(ce["id"])
    return found


def test_a_stream_starts_after_the_log_by_default_and_carries_new_events(
    world: Any, client: TestClient, as_: Any
) -> None:
    body = {
        "startup_id": WATT,
        "expert": "Els Mertens",
        "topic": "Load shifting",
        "held_on": "2027-03-11",
        "hours": 1,
    }
    head = client.get(
        "/api/v1/stream",
        params={"since": "x"},
        headers={"Authorization": f"Bearer {world.tokens['manager']}"},
    )
    assert head.status_code == 422 and head.json()["field"] == "since"
    start = feed_for(world.runtime).head()  # an integer on the embedded log, k1:... on Kafka
    as_("manager").send("LogExpertSession", body)
    (new,) = read(client, world.tokens["manager"], 1, since=start)
    assert new[1]["type"] == "accelerator.programme.expert_session_logged.v1"


def test_a_city_gets_only_its_own_events_redacted(world: Any, client: TestClient) -> None:
    mine = [ce for ce in world.runtime.history() if ce.city == "mechelen"]
    got = read(client, world.tokens["mechelen"], len(mine), from_start="true")
    assert sorted(ce["id"] for _, ce in got) == sorted(ce.id for ce in mine)
    assert all("contact" not in ce["data"] and "iban" not in ce["data"] for _, ce in got)


def test_families_filter_the_stream_and_unknown_ones_are_refused(world: Any, client: TestClient) -> None:
    milestones = [ce for ce in world.runtime.history() if ce.family == "milestones"]
    got = read(client, world.tokens["manager"], len(milestones), family="milestones", from_start="true")
    assert {ce["type"].split(".")[1] for _, ce in got} == {"milestones"}
    refused = client.get(
        "/api/v1/stream",
        params={"family": "gossip"},
        headers={"Authorization": f"Bearer {world.tokens['manager']}"},
    )
    assert refused.status_code == 422 and refused.json()["field"] == "family"
