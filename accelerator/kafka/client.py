"""The Kafka runtime as the CLI (and the demo) sees it: commands out, replies and the read model in.

`handle` sends a command to its service's topic, keyed by the aggregate id, and waits for the
reply — and for the replies of the commands policies sent in reaction — so that the next
command sees their effects. Reads come from the PostgreSQL read model once the projector has
caught up with the event topics.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from datetime import datetime

from kafka import TopicPartition
from kafka.admin import KafkaAdminClient
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, create_engine

from accelerator.kafka import connections
from accelerator.kafka.messages import CommandMessage, DeadLetter, Reply, key_of, service_of
from accelerator.kafka.topics import Names
from accelerator.settings import Settings
from events import CloudEvent, Event, parse
from events.base import FAMILIES
from services.kernel import Clock, Command, Rejected
from services.projector import read_model
from services.projector.views import ChallengeView, Projection, StartupView
from services.scheduler.commands import CheckDeadlines

TAIL = 50
"""How far back to look for the last event: further than one transaction writes to a partition."""
DEADLINE_SERVICES = ("intake", "accelerator")


def read_model_engine(settings: Settings) -> Engine:
    engine = create_engine(settings.database_url, pool_pre_ping=True)
    tables = [read_model.StartupRow.__table__, read_model.ChallengeRow.__table__]  # type: ignore[attr-defined]
    SQLModel.metadata.create_all(engine, tables=tables)
    return engine


class NoReply(TimeoutError):
    pass


class KafkaRuntime:
    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings, self.clock = settings, clock
        self.names = Names(settings.topic_prefix)
        self.producer = connections.producer(settings)
        self.replies = connections.consumer(settings)
        self.reply_partitions = connections.assign_all(self.replies, [self.names.replies], from_start=False)
        for tp in self.reply_partitions:
            self.replies.position(tp)  # fix the starting point before anything is sent
        self.engine = read_model_engine(settings)
        self.followed_by: list[CloudEvent] = []

    def handle(self, command: Command) -> list[Event]:
        (first, *rest) = self.wait([self.send(command).command_id])
        self.followed_by = [ce for reply in rest for ce in reply.events]
        if not first.ok:
            raise Rejected(first.field or "command", (first.error or "").removeprefix(f"{first.field}: "))
        return [parse(ce) for ce in first.events]

    def tick(self) -> list[Event]:
        """Ask the owner of every partition to check its deadlines as of now."""
        sent = []
        for service in DEADLINE_SERVICES:
            topic = self.names.commands(service)
            for partition in sorted(self.producer.partitions_for(topic)):
                command = CheckDeadlines(partition=partition)
                sent.append(self.send(command, topic, f"deadlines-{partition}", partition).command_id)
        return [parse(ce) for reply in self.wait(sent) for ce in reply.events]

    def send(
        self, command: Command, topic: str | None = None, key: str | None = None, partition: int | None = None
    ) -> CommandMessage:
        """Send without waiting: to the owning service, keyed by the aggregate id."""
        topic = topic or self.names.commands(service_of(command))
        key = key or key_of(command)
        message = CommandMessage.of(command, self.clock.now(), self.names.replies)
        self.producer.send(
            topic, key=key.encode(), value=message.model_dump_json().encode(), partition=partition
        )
        self.producer.flush()
        return message

    def wait(self, command_ids: list[str]) -> list[Reply]:
        """Replies to these commands and to every command they spawned, in the order asked."""
        waiting, got = list(command_ids), {}
        deadline = time.monotonic() + self.settings.reply_timeout_seconds
        while any(c not in got for c in waiting):
            if time.monotonic() > deadline:
                missing = [c for c in waiting if c not in got]
                raise NoReply(
                    f"kafka: no reply to {len(missing)} command(s) within "
                    f"{self.settings.reply_timeout_seconds:g} s: is every `accelerator worker` up?"
                )
            for records in self.replies.poll(timeout_ms=100).values():
                for record in records:
                    reply = Reply.model_validate_json(record.value)
                    if reply.command_id in waiting and reply.command_id not in got:
                        got[reply.command_id] = reply
                        waiting.extend(reply.spawned)
        return [got[c] for c in waiting]

    def settle(self, timeout: float = 60) -> None:
        """Wait until the projector has projected every event now on the event topics."""
        wanted = self._last_events()
        admin = KafkaAdminClient(bootstrap_servers=self.settings.kafka_bootstrap_servers)
        group = self.names.group("projector")
        try:
            deadline = time.monotonic() + timeout
            while True:
                done = admin.list_group_offsets({group: None}).get(group, {})
                if all(tp in done and done[tp].offset > last for tp, last in wanted.items()):
                    return
                if time.monotonic() > deadline:
                    raise NoReply("kafka: the projector is behind: is `accelerator worker projector` up?")
                time.sleep(0.1)
        finally:
            admin.close()

    def _last_events(self) -> dict[TopicPartition, int]:
        """The offset of the last event in each partition (a transaction marker may follow it)."""
        reader = connections.consumer(self.settings)
        try:
            partitions = connections.assign_all(reader, self.names.all_events())
            end = reader.end_offsets(partitions)
            for tp in partitions:
                reader.seek(tp, max(end[tp] - TAIL, 0))
            return {
                TopicPartition(r.topic, r.partition): r.offset
                for r in connections.catch_up(reader, partitions)
            }
        finally:
            reader.close()

    def startups(self, city: str | None = None) -> list[StartupView]:
        self.settle()
        with Session(self.engine) as session:
            return read_model.startups(session, city)

    def challenges(self) -> list[ChallengeView]:
        self.settle()
        with Session(self.engine) as session:
            return read_model.challenges(session)

    def history(self, subject: str | None = None, until: datetime | None = None) -> list[CloudEvent]:
        """Every event (of one subject), in the order the log holds it per subject."""
        reader = connections.consumer(self.settings)
        try:
            partitions = connections.assign_all(reader, self.names.all_events())
            events = [ce for r in connections.catch_up(reader, partitions) if (ce := _readable(r.value))]
        finally:
            reader.close()
        chosen = [
            ce
            for ce in events
            if (subject is None or ce.subject == subject) and (until is None or ce.time <= until)
        ]
        return sorted(chosen, key=lambda ce: (ce.time, ce.stream or "", ce.streamversion or 0))

    def replay(self) -> Projection:
        projection = Projection()
        seen: set[str] = set()
        for ce in self.history():
            if ce.id not in seen:
                seen.add(ce.id)
                projection.apply(parse(ce), ce.time)
        return projection

    def follow(self, families: Sequence[str], from_start: bool, poll: float) -> Iterator[CloudEvent | None]:
        """Events as they arrive on the event topics (of these families), like a live feed."""
        reader = connections.consumer(self.settings)
        try:
            connections.assign_all(reader, [self.names.events(f) for f in families or FAMILIES], from_start)
            while True:
                batch = reader.poll(timeout_ms=int(poll * 1000))
                for records in batch.values():
                    yield from (CloudEvent.from_json(record.value) for record in records)
                if not batch:
                    yield None
        finally:
            reader.close()

    def dead_letters(self) -> list[DeadLetter]:
        """Everything on the dead-letter topic, oldest first per partition."""
        reader = connections.consumer(self.settings)
        try:
            partitions = connections.assign_all(reader, [self.names.dlq])
            return [DeadLetter.model_validate_json(r.value) for r in connections.catch_up(reader, partitions)]
        finally:
            reader.close()

    def close(self) -> None:
        self.producer.close(timeout=5)
        self.replies.close()
        self.engine.dispose()


def _readable(raw: bytes) -> CloudEvent | None:
    """An event, or None for garbage (the projector has sent that to the DLQ with the reason)."""
    try:
        return CloudEvent.from_json(raw)
    except ValueError:
        return None
