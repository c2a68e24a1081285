"""Webhooks on the Kafka runtime: the deliveries worker reads the city topics as a city would,
queues in PostgreSQL, and is SIGKILLed mid-stream — nothing is lost, a repeat keeps its id."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date

import pytest

from accelerator.kafka import connections
from accelerator.webhooks import secrets
from events import CloudEvent
from services.kernel import VirtualClock
from services.subscriptions import commands as subs
from tests.cluster import Cluster
from tests.fakes import at
from tests.kafka.programme import accelerate
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_deliveries import in_order_per_subject, until

pytestmark = pytest.mark.kafka
WORKERS = (
    "intake",
    "selection",
    "participation",
    "payments",
    "subscriptions",
    "starts-accelerators",
    "instructs-payments",
    "requests-tranches",
    "cities",
    "deliveries",
)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with Cluster(
        tmp_path_factory.mktemp("kafka-webhook-logs"),
        webhook_allow_loopback=True,
        webhook_backoff_seconds=0.05,
        webhook_backoff_max_seconds=0.5,
    ).start(*WORKERS) as cluster:
        yield cluster


def city_topic(cluster: Cluster, city: str) -> list[CloudEvent]:
    """The city's topic as the client reads it (the order per subject a city sees)."""
    reader = connections.consumer(cluster.settings)
    try:
        partitions = connections.assign_all(reader, [cluster.names.city(city)])
        return [CloudEvent.from_json(r.value) for r in connections.catch_up(reader, partitions)]
    finally:
        reader.close()


def test_the_deliveries_worker_killed_mid_stream_loses_nothing(cluster: Cluster) -> None:
    clock = VirtualClock(at(date(2027, 1, 4)))
    runtime = cluster.runtime(clock)
    secret = secrets.generate()
    receiver = Receiver([secret], fail_first=3, delay=0.01).start()
    assert cluster.settings.webhook_key is not None
    sealed = secrets.seal(secret, secrets.key(cluster.settings))
    subscription = "sub-bruggekafka01"
    runtime.handle(
        subs.Subscribe(
            subscription_id=subscription, partner="brugge", url=receiver.url, secret=sealed, since=clock.now()
        )
    )
    accelerate(runtime, clock, companies=2, challenge="brugge-hooks-2027")
    cluster.kill("deliveries")  # mid-stream: some delivered, some queued, some not read yet
    until(lambda: len(receiver.accepted) >= 10, seconds=180)
    cluster.kill("deliveries")
    expected = city_topic(cluster, "brugge")
    until(lambda: {e["id"] for e in receiver.events()} >= {ce.id for ce in expected}, seconds=240)
    delivered = receiver.events()
    assert {e["id"] for e in delivered} == {ce.id for ce in expected}
    assert receiver.refused == []
    assert all(d.webhook_id == d.event["id"] for d in receiver.accepted), (
        "a repeat carries the same webhook-id"
    )
    assert max(Counter(d.webhook_id for d in receiver.accepted).values()) <= 2
    in_order_per_subject(delivered, expected)

    moment = expected[len(expected) // 2].time
    runtime.handle(subs.ReplaySubscription(subscription_id=subscription, since=moment))
    again = {ce.id for ce in expected if ce.time >= moment}
    before = len(receiver.accepted)
    until(lambda: len(receiver.accepted) >= before + len(again), seconds=120)
    assert {d.webhook_id for d in receiver.accepted[before:]} == again
