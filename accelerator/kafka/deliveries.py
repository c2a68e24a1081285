"""The deliveries consumer (services/consumers.py) as its own process on Kafka.

Consumes every city topic (as a city would: redacted; new cities' topics are picked up as
they appear) and the subscriptions' event topic, in its own consumer group. Each batch goes
into PostgreSQL in one transaction: the city events into `city_feed` (numbered: the feed
positions replays and the HTTP feed use), the subscriptions and their queues
(accelerator/webhooks/queue.py); the offsets are committed after it. A crash in between
reads the batch again, and every insert is idempotent. A dispatcher thread POSTs what is due
(accelerator/webhooks/dispatcher.py); a receiver's 410 sends EndSubscription.
"""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from kafka.structs import OffsetAndMetadata
from sqlalchemy import Engine, create_engine
from sqlmodel import Session, col, select

from accelerator.kafka import connections
from accelerator.kafka.client import create_tables
from accelerator.kafka.messages import CommandMessage, dead_letter
from accelerator.kafka.topics import Names
from accelerator.settings import Settings
from accelerator.webhooks.dispatcher import Dispatcher
from accelerator.webhooks.queue import Queue, insert_ignoring_duplicates, utc
from accelerator.webhooks.tables import TABLES, CityFeedRow
from events import CloudEvent
from events.envelope import NAMESPACE
from services.consumers import Consumer
from services.kernel import SYSTEM
from services.subscriptions.commands import EndSubscription

log = logging.getLogger(__name__)
CLOSE_MS = 3000


def webhook_engine(settings: Settings) -> Engine:
    engine = create_engine(settings.database_url, pool_pre_ping=True)
    create_tables(engine, TABLES)
    return engine


class CityFeed:
    """The city topics as read so far, by position (`city_feed`)."""

    def entries(
        self,
        session: Session,
        channel: str,
        after: int = 0,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> Iterator[tuple[int, CloudEvent]]:
        query = select(CityFeedRow).where(CityFeedRow.channel == channel, col(CityFeedRow.position) > after)
        if since is not None:
            query = query.where(col(CityFeedRow.time) >= utc(since))
        query = query.order_by(col(CityFeedRow.position))
        if limit is not None:
            query = query.limit(limit)
        for row in session.exec(query):
            yield row.position or 0, CloudEvent.from_json(row.envelope)


class DeliveriesWorker:
    def __init__(self, entry: Consumer, settings: Settings, instance: str = "1") -> None:
        self.entry, self.settings = entry, settings
        self.names = Names(settings.topic_prefix)
        self.group = self.names.group(entry.name)
        self.engine = webhook_engine(settings)
        self.queue = Queue(CityFeed(), timedelta(hours=settings.webhook_retry_hours))
        self.consumer = connections.consumer(settings, self.group, metadata_max_age_ms=10_000)
        subscriptions = self.names.events("subscriptions")
        connections.partitions(self.consumer, [subscriptions], settings.kafka_wait_seconds)
        self.consumer.subscribe(pattern=f"^({re.escape(self.names.cities())}.+|{re.escape(subscriptions)})$")
        self.producer = connections.producer(settings)
        self.running = True
        self.dispatcher = Dispatcher(self.engine, settings, on_gone=self._end)

    def run(self, keep_going: Callable[[], bool] = lambda: True) -> None:
        log.info("%s: consuming the city topics and %s", self.entry.name, self.names.events("subscriptions"))
        sending = threading.Thread(
            target=self.dispatcher.run, args=(lambda: self.running and keep_going(),), daemon=True
        )
        sending.start()
        while keep_going() and self.running:
            batch = self.consumer.poll(timeout_ms=200)
            if batch:
                self._apply(batch)
                offsets = {
                    tp: OffsetAndMetadata(records[-1].offset + 1, "", -1) for tp, records in batch.items()
                }
                self.consumer.commit(offsets)

    def _apply(self, batch: dict[Any, list[Any]]) -> None:
        letters = []
        with Session(self.engine) as session:
            for records in batch.values():
                for record in records:
                    try:
                        self._take(session, record)
                    except ValueError as error:  # unreadable: the stream goes on, the DLQ says why
                        letters.append(dead_letter(record, f"unreadable event: {error}", self.group))
            session.commit()
        for letter in letters:
            self.producer.send(
                self.names.dlq, key=(letter.key or "").encode(), value=letter.model_dump_json().encode()
            )
        if letters:
            self.producer.flush()

    def _take(self, session: Session, record: Any) -> None:
        ce = CloudEvent.from_json(record.value)
        if record.topic == self.names.events("subscriptions"):
            self.queue.subscription_event(session, ce)
            return
        channel = f"city:{record.topic.removeprefix(self.names.cities())}"
        values = {"channel": channel, "event_id": ce.id, "time": utc(ce.time), "envelope": ce.to_json()}
        insert_ignoring_duplicates(session, CityFeedRow, values)
        position = session.exec(
            select(CityFeedRow.position).where(CityFeedRow.channel == channel, CityFeedRow.event_id == ce.id)
        ).one()
        self.queue.feed_event(session, position or 0, channel, ce)

    def _end(self, subscription_id: str) -> None:
        """A receiver's 410: end the subscription on the record (once: the id says so)."""
        command = EndSubscription(subscription_id=subscription_id, reason="the receiver answered 410 Gone")
        command_id = str(uuid.uuid5(NAMESPACE, f"{subscription_id}/gone"))
        message = CommandMessage.of(
            command, datetime.now(UTC), None, command_id, f"{SYSTEM}:{self.entry.name}"
        )
        topic = self.names.commands("subscriptions")
        self.producer.send(topic, key=subscription_id.encode(), value=message.model_dump_json().encode())
        self.producer.flush(timeout=self.settings.kafka_wait_seconds)

    def close(self) -> None:
        self.running = False
        self.dispatcher.close()
        self.consumer.close(autocommit=False, timeout_ms=CLOSE_MS)
        self.producer.close(timeout=CLOSE_MS / 1000)
