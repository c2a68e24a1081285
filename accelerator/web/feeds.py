"""The log as a resumable feed: every event with a position a client can come back with.

- Embedded: the log's global position (`event_log.position`), an integer: an event's id on
  the stream is its position; resuming after N reads the events after N.
- Kafka: there is no global order, only offsets per partition of the family topics. An
  event's id is the position of the whole feed after it — every partition's next offset,
  written `k1:<family>.<partition>.<offset>;...` — so resuming from it seeks each partition
  there and nothing is skipped or read twice. A partition the id does not name (a family
  the client did not follow before) is read from its beginning.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from accelerator.embedded.runtime import EmbeddedRuntime
from accelerator.runtime import Runtime
from events import CloudEvent
from events.base import FAMILIES

if TYPE_CHECKING:
    from kafka import KafkaConsumer, TopicPartition

    from accelerator.kafka.client import KafkaRuntime

BATCH = 200
Positioned = list[tuple[str, CloudEvent]]


class BadPosition(ValueError):
    pass


class FeedReader(Protocol):
    def poll(self) -> Positioned:
        """The next events (none when there are none yet), each with its position."""
        ...

    def close(self) -> None: ...


class Feed(Protocol):
    def head(self) -> str:
        """The position after the last event now in the log: follow from here to get only new ones."""
        ...

    def reader(self, since: str | None, families: Sequence[str]) -> FeedReader:
        """Events after `since` (None: from the very first), of these families (all if none)."""
        ...


class LogReader:
    def __init__(self, runtime: EmbeddedRuntime, position: int, families: Sequence[str]) -> None:
        self.runtime, self.position, self.families = runtime, position, families

    def poll(self) -> Positioned:
        batch = self.runtime.store.read_after(self.position, BATCH, self.families)
        if batch:
            self.position = batch[-1][0]
        return [(str(position), ce) for position, ce in batch]

    def close(self) -> None:
        pass


class LogFeed:
    def __init__(self, runtime: EmbeddedRuntime) -> None:
        self.runtime = runtime

    def head(self) -> str:
        return str(self.runtime.store.head())

    def reader(self, since: str | None, families: Sequence[str]) -> LogReader:
        if since is not None and not re.fullmatch(r"[0-9]{1,18}", since.strip()):
            raise BadPosition(f"must be a position in the log, a whole number (got {since!r})")
        return LogReader(self.runtime, int(since) if since else 0, families)


def encode(offsets: dict[tuple[str, int], int]) -> str:
    return "k1:" + ";".join(
        f"{family}.{partition}.{offset}" for (family, partition), offset in sorted(offsets.items())
    )


def decode(position: str) -> dict[tuple[str, int], int]:
    if not position.startswith("k1:"):
        raise BadPosition(f"must be a feed position from this stream (k1:...) (got {position[:40]!r})")
    found = {}
    for part in filter(None, position[3:].split(";")):
        matched = re.fullmatch(r"([a-z]+)\.([0-9]{1,5})\.([0-9]{1,18})", part)
        if matched is None or matched[1] not in FAMILIES:
            raise BadPosition(f"must name family.partition.offset (got {part[:40]!r})")
        found[(matched[1], int(matched[2]))] = int(matched[3])
    return found


class KafkaReader:
    def __init__(
        self, consumer: KafkaConsumer, families: dict[str, str], offsets: dict[tuple[str, int], int]
    ) -> None:
        self.consumer, self.families, self.offsets = consumer, families, offsets

    def poll(self) -> Positioned:
        found: Positioned = []
        for records in self.consumer.poll(timeout_ms=100).values():
            for record in records:
                self.offsets[(self.families[record.topic], record.partition)] = record.offset + 1
                try:
                    ce = CloudEvent.from_json(record.value)
                except ValueError:
                    continue  # garbage: the projector sent it to the dead-letter topic with the reason
                found.append((encode(self.offsets), ce))
        return found

    def close(self) -> None:
        self.consumer.close()


class KafkaFeed:
    def __init__(self, runtime: KafkaRuntime) -> None:
        self.runtime = runtime
        self.settings = runtime.settings

    def _assigned(
        self, families: Sequence[str]
    ) -> tuple[KafkaConsumer, dict[str, str], list[TopicPartition]]:
        from accelerator.kafka import connections

        topics = {self.runtime.names.events(f): f for f in families or FAMILIES}
        consumer = connections.consumer(self.settings)
        partitions = connections.partitions(consumer, list(topics), self.settings.kafka_wait_seconds)
        consumer.assign(partitions)
        return consumer, topics, partitions

    def head(self) -> str:
        from accelerator.kafka import connections

        consumer, topics, partitions = self._assigned(FAMILIES)
        try:
            ends = connections.ends(consumer, partitions, self.settings.kafka_wait_seconds)
            return encode({(topics[tp.topic], tp.partition): ends[tp] for tp in partitions})
        finally:
            consumer.close()

    def reader(self, since: str | None, families: Sequence[str]) -> KafkaReader:
        offsets = decode(since) if since else {}
        consumer, topics, partitions = self._assigned(families)
        for tp in partitions:
            at = offsets.get((topics[tp.topic], tp.partition))
            if at is None:
                consumer.seek_to_beginning(tp)
            else:
                consumer.seek(tp, at)
        return KafkaReader(consumer, topics, offsets)


def feed_for(runtime: Runtime) -> Feed:
    if isinstance(runtime, EmbeddedRuntime):
        return LogFeed(runtime)
    return KafkaFeed(runtime)  # type: ignore[arg-type]
