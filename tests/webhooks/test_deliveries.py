"""Webhooks on the embedded runtime, against a receiver on 127.0.0.1 that verifies every
signature with the `standardwebhooks` package: after the demo, Brugge's feed is delivered."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

from accelerator.bootstrap import bootstrap
from accelerator.embedded.runtime import EmbeddedRuntime
from accelerator.embedded.tables import FeedRow
from accelerator.settings import Settings
from accelerator.webhooks import secrets, status
from accelerator.webhooks.dispatcher import Dispatcher
from accelerator.webhooks.tables import DeliveryRow
from events import CloudEvent
from services.kernel import SystemClock
from services.subscriptions import commands as subs
from services.subscriptions.domain import Status
from tests.conftest import DemoRun
from tests.webhooks.receiver import Receiver

FAST: dict[str, Any] = dict(
    webhook_allow_loopback=True, webhook_backoff_seconds=0.05, webhook_backoff_max_seconds=0.3
)


class City:
    """A programme after the demo, its store of its own, and a way to run the dispatcher."""

    def __init__(self, demo: DemoRun, folder: Path, **settings: Any) -> None:
        source = demo.runtime
        assert isinstance(source, EmbeddedRuntime)
        store = folder / "accelerator.db"
        with (
            closing(sqlite3.connect(str(source.engine.url.database))) as original,
            closing(sqlite3.connect(store)) as copy,
        ):
            original.backup(copy)
        self.settings = Settings(store=store, webhook_key_file=folder / "webhook.key", **{**FAST, **settings})
        self.runtime = bootstrap(self.settings, SystemClock())
        self.stopped = threading.Event()
        self.thread: threading.Thread | None = None

    def subscribe(self, receiver: Receiver, partner: str = "brugge", since: datetime | None = None) -> str:
        sealed = secrets.seal(receiver.secrets[0], secrets.key(self.settings, create=True))
        subscription_id = f"sub-{partner}{len(receiver.secrets):04d}{id(receiver) % 10000:04d}"
        start = since or datetime.fromisoformat("2027-01-01T00:00:00+01:00")
        self.runtime.handle(
            subs.Subscribe(
                subscription_id=subscription_id, partner=partner, url=receiver.url, secret=sealed, since=start
            )
        )
        return subscription_id

    def feed(self, partner: str = "brugge") -> list[CloudEvent]:
        assert isinstance(self.runtime, EmbeddedRuntime)
        with Session(self.runtime.engine) as session:
            rows = session.exec(
                select(FeedRow).where(FeedRow.channel == f"city:{partner}").order_by(col(FeedRow.position))
            )
            return [CloudEvent.from_json(row.envelope) for row in rows]

    def deliveries(self, subscription_id: str) -> list[DeliveryRow]:
        assert isinstance(self.runtime, EmbeddedRuntime)
        with Session(self.runtime.engine) as session:
            return list(
                session.exec(select(DeliveryRow).where(DeliveryRow.subscription_id == subscription_id))
            )

    def start(self) -> None:
        assert isinstance(self.runtime, EmbeddedRuntime)
        runtime = self.runtime

        def gone(subscription_id: str) -> None:
            ended = subs.EndSubscription(
                subscription_id=subscription_id, reason="the receiver answered 410 Gone"
            )
            runtime.handle(ended, "system:deliveries", f"{subscription_id}/gone")

        dispatcher = Dispatcher(runtime.engine, self.settings, gone)
        self.thread = threading.Thread(target=dispatcher.run, args=(lambda: not self.stopped.is_set(), 0.05))
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        if self.thread is not None:
            self.thread.join(30)


def until(condition: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.1)


@pytest.fixture
def city(embedded_demo: DemoRun, tmp_path: Path) -> Iterator[City]:
    city = City(embedded_demo, tmp_path)
    yield city
    city.stop()


def in_order_per_subject(delivered: list[dict[str, object]], feed: list[CloudEvent]) -> None:
    """Each subject's events arrived in the order of the feed (the first time each arrived)."""
    first: dict[str, list[str]] = {}
    seen: set[str] = set()
    for event in delivered:
        if event["id"] not in seen:
            seen.add(str(event["id"]))
            first.setdefault(str(event["subject"]), []).append(str(event["id"]))
    for subject, ids in first.items():
        assert ids == [ce.id for ce in feed if ce.subject == subject], subject


def test_every_event_arrives_once_in_order_per_subject_through_failures_and_an_outage(city: City) -> None:
    receiver = Receiver([secrets.generate()], fail_first=5).start()
    city.subscribe(receiver)
    feed = city.feed()
    city.start()
    until(lambda: len(receiver.accepted) >= 20)
    receiver.down()  # the city's server goes away for a while, and comes back on the same port
    time.sleep(1)
    receiver.up()
    until(lambda: {e["id"] for e in receiver.events()} >= {ce.id for ce in feed})
    delivered = receiver.events()
    assert receiver.refused == [], "every signature verified"
    assert {e["id"] for e in delivered} == {ce.id for ce in feed}, "none lost, nothing else"
    assert all(e["city"] == "brugge" for e in delivered)
    assert not any("contact" in str(e["data"]) or "iban" in str(e["data"]) for e in delivered)
    in_order_per_subject(delivered, feed)
    assert {d.webhook_id for d in receiver.accepted} == {e["id"] for e in delivered}
    assert all(d.content_type.startswith("application/cloudevents+json") for d in receiver.accepted)


def test_a_replay_from_a_date_delivers_exactly_that_range_again(city: City) -> None:
    receiver = Receiver([secrets.generate()]).start()
    subscription = city.subscribe(receiver)
    feed = city.feed()
    city.start()
    until(lambda: len(receiver.accepted) >= len(feed))
    moment = feed[len(feed) // 2].time
    city.runtime.handle(subs.ReplaySubscription(subscription_id=subscription, since=moment))
    again = [ce for ce in feed if ce.time >= moment]
    until(lambda: len(receiver.accepted) >= len(feed) + len(again))
    time.sleep(0.5)  # nothing more comes
    replayed = receiver.events()[len(feed) :]
    assert sorted(e["id"] for e in replayed) == sorted(ce.id for ce in again)
    in_order_per_subject(replayed, again)


def test_a_receiver_answering_410_ends_the_subscription(city: City) -> None:
    receiver = Receiver([secrets.generate()], answer=410).start()
    subscription = city.subscribe(receiver)
    city.start()
    until(lambda: status.subscriptions(city.runtime, "brugge")[subscription].status is Status.ENDED)
    time.sleep(0.5)
    assert receiver.seen == 1, "nothing more was sent after the 410"
    ended = [ce for ce in city.runtime.history(subscription) if ce.type.endswith("subscription_ended.v1")]
    assert ended[0].actor == "system:deliveries"


def test_a_redirect_is_never_followed(city: City) -> None:
    receiver = Receiver([secrets.generate()], answer=302).start()
    subscription = city.subscribe(receiver)
    city.start()
    until(lambda: any(d.attempts >= 2 for d in city.deliveries(subscription)))
    errors = {d.last_error for d in city.deliveries(subscription) if d.attempts}
    assert errors == {"127.0.0.1 redirects: not followed"}
    assert receiver.accepted == []


def test_a_slow_endpoint_never_holds_back_another_citys_deliveries(city: City) -> None:
    city.settings = city.settings.model_copy(update={"webhook_timeout_seconds": 0.5})
    # Slower than the whole test may take: it answers nothing before the fast city has all.
    slow = Receiver([secrets.generate()], delay=120).start()
    fast = Receiver([secrets.generate()]).start()
    held = city.subscribe(slow, "mechelen")
    city.subscribe(fast, "brugge")
    city.start()
    try:
        until(lambda: len(fast.accepted) >= len(city.feed("brugge")), seconds=60)
        until(lambda: any(d.attempts >= 2 for d in city.deliveries(held)), seconds=30)
        assert slow.accepted == []
        deliveries = city.deliveries(held)
        tried = [d for d in deliveries if d.attempts]
        assert {d.last_error for d in tried} == {"no answer from 127.0.0.1 in time"}
        assert all(d.status == "pending" for d in deliveries), "retried, not delivered"
    finally:
        slow.release()


def test_after_its_retry_window_a_delivery_is_parked_and_a_replay_of_the_parked_sends_it(
    embedded_demo: DemoRun, tmp_path: Path
) -> None:
    city = City(embedded_demo, tmp_path, webhook_retry_hours=1 / 3600)  # a second instead of a day
    receiver = Receiver([secrets.generate()], answer=503).start()
    subscription = city.subscribe(receiver)
    city.start()
    try:
        until(lambda: all(d.status == "parked" for d in city.deliveries(subscription)))
        receiver.answer = 204  # the city fixed its server
        city.runtime.handle(subs.ReplaySubscription(subscription_id=subscription, parked=True))
        until(lambda: len(receiver.accepted) >= len(city.feed()))
        assert all(d.status == "delivered" for d in city.deliveries(subscription))
    finally:
        city.stop()


def test_during_a_secret_rotation_deliveries_verify_with_either_secret(city: City) -> None:
    old = secrets.generate()
    holds_old = Receiver([old]).start()
    subscription = city.subscribe(holds_old)
    new = secrets.generate()
    sealed = secrets.seal(new, secrets.key(city.settings))
    until_moment = datetime.fromisoformat("2099-01-01T00:00:00+00:00")
    city.runtime.handle(
        subs.RotateSecret(subscription_id=subscription, secret=sealed, previous_valid_until=until_moment)
    )
    city.start()
    until(lambda: len(holds_old.accepted) >= len(city.feed()))
    assert holds_old.refused == []
    holds_new = Receiver([new], fail_first=0)
    holds_new.port = holds_old.port
    holds_old.down()
    holds_new.start()
    city.runtime.handle(subs.ReplaySubscription(subscription_id=subscription, from_position=0))
    until(lambda: len(holds_new.accepted) >= len(city.feed()))
    assert holds_new.refused == []


def test_the_tracked_loop_crashing_while_it_queues_loses_nothing_and_queues_nothing_twice(
    city: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The queue and the deliveries consumer's position are written in one transaction."""
    from accelerator.embedded.tables import Tracking
    from accelerator.webhooks.queue import Queue

    assert isinstance(city.runtime, EmbeddedRuntime)
    with Session(city.runtime.engine) as session:  # as if the consumer had never run
        tracking = session.get(Tracking, "deliveries")
        assert tracking is not None
        tracking.position = 0
        session.add(tracking)
        session.commit()
    receiver = Receiver([secrets.generate()]).start()
    real, calls = Queue.feed_event, {"n": 0}

    def crashing(self: Queue, *args: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 40:
            raise RuntimeError("the process dies here")
        real(self, *args)

    monkeypatch.setattr(Queue, "feed_event", crashing)
    with pytest.raises(RuntimeError):
        city.subscribe(receiver)  # its registration runs the loop, which dies mid-batch
    monkeypatch.setattr(Queue, "feed_event", real)
    city.runtime.catch_up()  # the next process to look
    subscription = next(iter(status.subscriptions(city.runtime, "brugge")))
    queued = [d.event_id for d in city.deliveries(subscription)]
    assert sorted(queued) == sorted(ce.id for ce in city.feed())


def test_the_kafka_projector_takes_a_subscriptions_events_in_order_and_keeps_none_waiting() -> None:
    from events import envelope
    from events.subscriptions import SubscriptionRegistered
    from services.projector.ordering import Subject
    from services.subscriptions.domain import SUBSCRIPTION as DECIDER

    event = SubscriptionRegistered(
        subscription_id="sub-brugge01",
        partner="brugge",
        url="https://erp.brugge.example/h",
        secret="sealed:c2VjcmV0",
        since=datetime.fromisoformat("2027-03-01T10:00:00+01:00"),
    )
    ce = envelope(event, source="t", time=event.since, stream=DECIDER.stream("sub-brugge01"), version=1)
    subject = Subject(subject="sub-brugge01")
    subject.receive(ce)
    assert subject.early == [] and subject.startup is None and subject.challenge is None
