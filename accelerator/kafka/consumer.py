"""A consumer of the registry (a policy or a feed) as its own process on Kafka.

Consumes the event topics of the families it reads, in its own consumer group (its name).
For each batch it writes what the handler asks — a policy's commands to their services'
command topics (ids derived from the event, so a redelivery asks for the same command,
which the service answers as the first time), a feed's events to their channels' topics —
and the batch's offsets, in one transaction fenced by the group's generation (KIP-447): a
crash leaves all or nothing, and a member that lost its partitions cannot commit. A batch
that writes nothing commits its offsets alone, without a transaction.
Unreadable events go to the DLQ with the reason; the stream goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kafka.structs import OffsetAndMetadata

from accelerator.kafka import connections
from accelerator.kafka.admin import admin, create
from accelerator.kafka.messages import CommandMessage, dead_letter, key_of
from accelerator.kafka.topics import Names
from accelerator.settings import Settings
from events import CloudEvent, parse
from events.topics import city as city_topic_spec
from services.consumers import Consumer, Feed, Policy, reactions
from services.routing import service_of

log = logging.getLogger(__name__)
CLOSE_MS = 3000
"""A worker that failed closes quickly: a broker that is away gets no longer than this."""

Message = tuple[str, bytes, bytes]  # topic, key, value


class ConsumerWorker:
    def __init__(self, entry: Consumer, settings: Settings, instance: str = "1") -> None:
        assert isinstance(entry.handler, Policy | Feed), "a projection runs as kafka/projector.py"
        self.entry, self.settings = entry, settings
        self.names = Names(settings.topic_prefix)
        self.group = self.names.group(entry.name)
        topics = [self.names.events(family) for family in entry.families]
        self.consumer = connections.consumer(settings, self.group)
        connections.partitions(self.consumer, topics, settings.kafka_wait_seconds)
        self.consumer.subscribe(topics)
        self.producer = connections.producer(settings, f"{self.group}-{instance}")
        self.producer.init_transactions()
        self.known: set[str] = set()

    def run(self, keep_going: Callable[[], bool] = lambda: True) -> None:
        log.info("%s: consuming %s", self.entry.name, ", ".join(self.entry.families))
        while keep_going():
            batch = self.consumer.poll(timeout_ms=200)
            if batch:
                self._commit(batch)

    def _commit(self, batch: dict[Any, list[Any]]) -> None:
        messages = [message for records in batch.values() for r in records for message in self._handle(r)]
        offsets = {tp: OffsetAndMetadata(records[-1].offset + 1, "", -1) for tp, records in batch.items()}
        if not messages:
            # Nothing to write with them: a plain commit, fenced by the group's generation as
            # well, is one request where a transaction is five and its markers (most batches
            # of a policy: it reads a whole family for one or two event types).
            self.consumer.commit(offsets)
            return
        self.producer.begin_transaction()
        try:
            sent = [self.producer.send(topic, key=key, value=value) for topic, key, value in messages]
            self.producer.send_offsets_to_transaction(offsets, self.consumer.group_metadata())
            connections.commit(self.producer, sent)
        except Exception:
            self.producer.abort_transaction()
            raise

    def _handle(self, record: Any) -> list[Message]:
        try:
            ce = CloudEvent.from_json(record.value)
            event = parse(ce) if self.entry.wants(ce.type) else None
        except ValueError as error:
            letter = dead_letter(record, f"unreadable event: {error}", self.group)
            return [(self.names.dlq, record.key or b"", letter.model_dump_json().encode())]
        if event is None:
            return []
        handler = self.entry.handler
        if isinstance(handler, Policy):
            return [self._command(r.command, r.command_id, ce) for r in reactions(ce, event, (self.entry,))]
        assert isinstance(handler, Feed)
        return [self._published(channel, published) for channel, published in handler.publish(ce)]

    def _command(self, command: Any, command_id: str, cause: CloudEvent) -> Message:
        message = CommandMessage.of(command, cause.time, self.names.replies, command_id, self.entry.actor)
        topic = self.names.commands(service_of(command))
        return (topic, key_of(command).encode(), message.model_dump_json().encode())

    def _published(self, channel: str, ce: CloudEvent) -> Message:
        kind, _, name = channel.partition(":")
        assert kind == "city", f"no topic for channel {channel}"
        topic = self.names.city(name)
        self._ensure(topic, name)
        return (topic, ce.subject.encode(), ce.to_json().encode())

    def _ensure(self, topic: str, city: str) -> None:
        """A city's first event creates its topic (a new partner joining mid-programme)."""
        if topic in self.known:
            return
        client = admin(self.settings)
        try:
            if topic not in client.list_topics():
                create(client, self.settings, topic, city_topic_spec(city))
        finally:
            client.close()
        self.known.add(topic)

    def close(self) -> None:
        self.consumer.close(autocommit=False, timeout_ms=CLOSE_MS)
        self.producer.close(timeout=CLOSE_MS / 1000)
