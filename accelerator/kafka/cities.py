"""The cities service: each partner city's events, without personal or banking data, on its topic.

Consumes every event topic (consumer group `accelerator-cities`). Emits each event that
belongs to a city to `accelerator.city.<city>`, keyed by its subject, with the fields its type
marks private (contact details, IBANs) removed. Consume and produce commit in one transaction,
so a city sees each event once; an unreadable event goes to the DLQ and the stream goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kafka.structs import OffsetAndMetadata

from accelerator.kafka import connections
from accelerator.kafka.admin import admin, create
from accelerator.kafka.messages import DeadLetter
from accelerator.kafka.topics import Names
from accelerator.settings import Settings
from events import EVENT_TYPES, CloudEvent
from events.topics import city as city_topic_spec

log = logging.getLogger(__name__)


def redact(ce: CloudEvent) -> CloudEvent:
    cls = EVENT_TYPES.get(ce.type)
    private = cls.private if cls else frozenset({"contact", "iban"})
    return ce.model_copy(update={"data": {k: v for k, v in ce.data.items() if k not in private}})


class CitiesWorker:
    def __init__(self, settings: Settings) -> None:
        self.settings, self.names = settings, Names(settings.topic_prefix)
        self.group = self.names.group("cities")
        self.consumer = connections.consumer(settings, self.group)
        self.consumer.subscribe(self.names.all_events())
        self.producer = connections.producer(settings, f"{self.group}-1")
        self.producer.init_transactions()
        self.known: set[str] = set()

    def run(self, keep_going: Callable[[], bool] = lambda: True) -> None:
        while keep_going():
            batch = self.consumer.poll(timeout_ms=200)
            if not batch:
                continue
            self.producer.begin_transaction()
            try:
                offsets = {}
                for tp, records in batch.items():
                    for record in records:
                        self._forward(record)
                    offsets[tp] = OffsetAndMetadata(records[-1].offset + 1, "", -1)
                self.producer.send_offsets_to_transaction(offsets, self.group)
                self.producer.commit_transaction()
            except Exception:
                self.producer.abort_transaction()
                raise

    def _forward(self, record: Any) -> None:
        try:
            ce = CloudEvent.from_json(record.value)
        except ValueError as error:
            letter = DeadLetter.of(record, f"unreadable event: {error}", self.group)
            self.producer.send(self.names.dlq, key=record.key, value=letter.model_dump_json().encode())
            return
        if not ce.city:
            return
        topic = self.names.city(ce.city)
        self._ensure(topic, ce.city)
        self.producer.send(topic, key=ce.subject.encode(), value=redact(ce).to_json().encode())

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
        self.consumer.close()
        self.producer.close(timeout=5)
