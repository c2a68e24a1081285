"""The scheduler's ticks on Kafka: a day with nothing due asks no service, and still nothing a
client changed meanwhile is missed."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

import pytest

from accelerator.kafka import connections
from accelerator.kafka.client import KafkaRuntime
from accelerator.kafka.workers import WORKERS
from events import Event
from events.programme import CallOpened
from services.intake import commands as intake
from services.kernel import VirtualClock
from services.routing import SERVICES
from tests import builders as b
from tests.cluster import Cluster
from tests.fakes import at

pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    # Without the scheduler worker: the test ticks as the scheduler, and counts what is sent to
    # the command topics; the worker's own first check, at its start-up, landed between two counts.
    workers = (name for name in WORKERS if name != "scheduler")
    with Cluster(tmp_path_factory.mktemp("kafka-deadline-logs")).start(*workers) as cluster:
        yield cluster


def commands_sent(runtime: KafkaRuntime) -> int:
    """How many messages every command topic holds: a deadline check is one per partition."""
    topics = [runtime.names.commands(service) for service in SERVICES]
    partitions = connections.partitions(runtime.replies, topics, 30)
    return sum(connections.ends(runtime.replies, partitions).values())


def publish(runtime: KafkaRuntime, challenge: str, opens: date) -> None:
    published = b.published(opens=opens, closes=date(2027, 2, 12)).model_dump()
    runtime.handle(intake.PublishChallenge(**published | {"challenge_id": challenge}))


def opened(events: Sequence[Event]) -> list[str]:
    return [e.challenge_id for e in events if isinstance(e, CallOpened)]


def test_a_day_with_nothing_due_asks_no_service_and_another_clients_change_is_not_missed(
    cluster: Cluster,
) -> None:
    clock = VirtualClock(at(date(2027, 1, 4)))
    scheduler, web = cluster.runtime(clock), cluster.runtime(clock)
    publish(web, "brugge-quiet-days-2027", opens=date(2027, 1, 11))
    assert scheduler.tick() == []  # asked: nothing is due before the 11th

    asked = commands_sent(scheduler)
    clock.set(at(date(2027, 1, 5)))
    assert scheduler.tick() == []
    assert commands_sent(scheduler) == asked, "a day with nothing due and nothing new asked the services"

    publish(web, "mechelen-early-call-2027", opens=date(2027, 1, 6))  # due before the 11th
    clock.set(at(date(2027, 1, 6)))
    assert opened(scheduler.tick()) == ["mechelen-early-call-2027"]

    clock.set(at(date(2027, 1, 7)))
    scheduler.tick()  # the 6th's events were new: asked again, and told the 11th once more
    asked = commands_sent(scheduler)
    clock.set(at(date(2027, 1, 10)))
    assert scheduler.tick() == []
    assert commands_sent(scheduler) == asked
    clock.set(at(date(2027, 1, 11)))
    assert opened(scheduler.tick()) == ["brugge-quiet-days-2027"]
