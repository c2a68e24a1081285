"""The Kafka runtime as the CLI (and the demo, and the web app) sees it: commands out, replies
and the read model in.

`handle` sends a command to its service's topic, keyed by the aggregate id, and waits for the
reply — and for the replies of the commands the policies send in reaction (their ids follow
from the events, so the client knows them without being told) — so that the next command
sees their effects. Reads come from the PostgreSQL read model once the projector has caught
up with the event topics.
"""

from __future__ import annotations

import heapq
import logging
import time
import uuid
from collections import OrderedDict, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kafka import KafkaProducer, TopicPartition
from kafka.errors import KafkaError, KafkaTimeoutError
from sqlalchemy import Engine, make_url, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel, create_engine

from accelerator.kafka import connections
from accelerator.kafka.admin import admin
from accelerator.kafka.health import committed_offsets
from accelerator.kafka.messages import CommandMessage, Reply, key_of, service_of
from accelerator.kafka.topics import Names
from accelerator.progress import Advance, silent
from accelerator.queries import RebuildReport
from accelerator.runtime import Outcome
from accelerator.settings import Settings
from events import CloudEvent, Event, parse
from events.base import FAMILIES
from services.consumers import CONSUMERS, reactions
from services.deadletters import DeadLetter
from services.kernel import SYSTEM, Clock, Command, Rejected, today
from services.projector import read_model
from services.projector.views import ChallengeView, Projection, StartupView
from services.routing import SERVICES, service_of_decider
from services.scheduler.commands import CheckDeadlines
from services.scheduler.domain import WATCHED

log = logging.getLogger(__name__)

TAIL = 50
"""How far back to look for the last event: further than one transaction writes to a partition."""
SEEN = 10_000
FLUSH_MARGIN_SECONDS = 5
"""A flush waits this much longer than a send may take, so that it ends with every send done or
given up, and none left behind to go out later or to hold up the process's exit."""
TABLES_LOCK = 0x616363656C  # "accel": the advisory lock of `create_tables`
DEADLINE_SERVICES = tuple(s for s in SERVICES if any(service_of_decider(w.decider) == s for w in WATCHED))


def read_model_engine(settings: Settings) -> Engine:
    """The PostgreSQL read model, its tables created; waits (so long) for the server."""
    engine = create_engine(settings.database_url, pool_pre_ping=True, **batched(settings.database_url))
    tables = [read_model.StartupRow.__table__, read_model.ChallengeRow.__table__]  # type: ignore[attr-defined]
    host = engine.url.render_as_string(hide_password=True)

    def create() -> None:
        try:
            create_tables(engine, tables)
        except OperationalError as error:
            raise OSError(str(error.orig).strip()) from error

    connections.patiently(
        f"postgresql: waiting for {host}",
        create,
        settings.kafka_wait_seconds,
        f"postgresql: no answer at {host} (start it: bash deploy/postgres.sh start)",
    )
    return engine


def create_tables(engine: Engine, tables: Sequence[Any]) -> None:
    """These tables where they are missing, one process at a time. Workers started together
    each found a table missing and created it, and PostgreSQL refused all but the first
    (`duplicate key value violates unique constraint "pg_type_typname_nsp_index"`): the worker
    ended and started over. A lock held until the transaction ends makes the others wait, then
    find the tables there."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": TABLES_LOCK})
        SQLModel.metadata.create_all(connection, tables=tables)


def batched(url: str) -> dict[str, Any]:
    """Upserts of many rows in pages, not a round trip per row: psycopg2's `executemany` sends
    one statement per row (SQLAlchemy's own batching covers only `insert()` constructs, not
    `text()` upserts). The read model's big writes send arrays instead (`rows.Upsert`)."""
    if make_url(url).get_backend_name() != "postgresql":
        return {}
    return {"executemany_mode": "values_plus_batch", "executemany_batch_page_size": 500}


class NoReply(connections.Unavailable):
    pass


@dataclass(frozen=True)
class Quiet:
    """A deadline check found nothing due from `checked_on` until `until` (exclusive) with the
    event topics ending at `log_ends`; the states it read change only by new events."""

    checked_on: date
    until: date
    log_ends: connections.Offsets

    @classmethod
    def after(cls, day: date, log_ends: connections.Offsets, checks: list[Reply]) -> Quiet | None:
        """From every partition's answer; None if one did not say (a repeated or older reply)."""
        days = [reply.quiet_until for reply in checks]
        if not days or any(d is None for d in days):
            return None
        return cls(day, min(d for d in days if d is not None), log_ends)

    def holds(self, day: date, log_ends: connections.Offsets) -> bool:
        return self.checked_on <= day < self.until and log_ends == self.log_ends


class KafkaRuntime:
    def __init__(self, settings: Settings, clock: Clock, actor: str | None = None) -> None:
        self.settings, self.clock = settings, clock
        self.actor = actor or settings.actor
        self.names = Names(settings.topic_prefix)
        self.engine = read_model_engine(settings)
        self._producer: KafkaProducer | None = self._new_producer()
        self.sending: list[Any] = []
        """What was sent and not yet flushed (kafka-python's futures)."""
        self.replies = connections.consumer(settings)
        self.reply_partitions = connections.assign_all(
            self.replies, [self.names.replies], from_start=False, seconds=settings.kafka_wait_seconds
        )
        for tp in self.reply_partitions:
            self.replies.position(tp)  # fix the starting point before anything is sent
        self.seen: OrderedDict[str, Reply] = OrderedDict()
        """Replies read but not yet asked for (a reaction's may come before it is awaited)."""
        self.quiet: Quiet | None = None
        """What the last deadline check said, if it said when anything is next due."""

    def handle(self, command: Command, actor: str | None = None, command_id: str | None = None) -> Outcome:
        message = self.send(command, actor=actor, command_id=command_id)
        first, *rest = self.wait([message.command_id])
        if not first.ok:
            raise Rejected(first.field or "command", (first.error or "").removeprefix(f"{first.field}: "))
        reactions_ = tuple(ce for reply in rest for ce in reply.events)
        return Outcome(message.command_id, tuple(first.events), reactions_, repeated=first.repeated)

    def wait(self, command_ids: list[str]) -> list[Reply]:
        """The replies to these commands, in the order asked, then the replies to every command
        the policies sent in reaction to their events (and so on).

        A command seen before was answered with its first events: its reactions were done
        then, and their replies are not waited for again."""
        replies = self._replies(command_ids)
        causes = [ce for reply in replies if not reply.repeated for ce in reply.events]
        while causes:
            ids = [r.command_id for ce in causes for r in reactions(ce, parse(ce), CONSUMERS)]
            more = self._replies(ids) if ids else []
            replies += more
            causes = [ce for reply in more if not reply.repeated for ce in reply.events]
        return replies

    def tick(self) -> list[Event]:
        """Ask the owner of every partition to check its deadlines as of now, unless the last
        check said nothing is due before a later day and no event was written since: a day
        with nothing due then costs one look at where the event topics end, not a transaction
        in every partition (194 of the demo's 299 ticks)."""
        day, log_ends = today(self.clock), self._event_ends()
        if self.quiet is not None and self.quiet.holds(day, log_ends):
            return []
        self.quiet = None
        sent = []
        for service in DEADLINE_SERVICES:
            topic = self.names.commands(service)
            with self._broker_takes():  # kafka-python waits for the topic's metadata if it has none
                partitions = self.producer.partitions_for(topic)
            for partition in sorted(partitions):
                command = CheckDeadlines(partition=partition)
                message = self.send(
                    command, f"{SYSTEM}:scheduler", topic=topic, partition=partition, flush=False
                )
                sent.append(message.command_id)
        self.flush()
        replies = self.wait(sent)
        self.quiet = Quiet.after(day, log_ends, replies[: len(sent)])
        return [parse(ce) for reply in replies for ce in reply.events]

    def _event_ends(self) -> connections.Offsets:
        """Where every event topic ends now (its last stable offset: committed writes only)."""
        seconds = self.settings.kafka_wait_seconds
        partitions = connections.partitions(self.replies, self.names.all_events(), seconds)
        return connections.ends(self.replies, partitions, seconds)

    def send(
        self,
        command: Command,
        actor: str | None = None,
        command_id: str | None = None,
        topic: str | None = None,
        partition: int | None = None,
        flush: bool = True,
    ) -> CommandMessage:
        """Send without waiting: to the owning service, keyed by the aggregate id (and on its
        way, unless `flush` is False: the caller flushes after the last of several)."""
        topic = topic or self.names.commands(service_of(command))
        message = CommandMessage.of(
            command,
            self.clock.now(),
            self.names.replies,
            command_id or str(uuid.uuid4()),
            actor or self.actor,
        )
        with self._broker_takes():
            value = message.model_dump_json().encode()
            sent = self.producer.send(topic, key=key_of(command).encode(), value=value, partition=partition)
        self.sending.append(sent)
        if flush:
            self.flush()
        return message

    @property
    def producer(self) -> KafkaProducer:
        """The producer commands go out with; a new one after `flush` dropped the last."""
        if self._producer is None:
            self._producer = self._new_producer()
        return self._producer

    def _new_producer(self) -> KafkaProducer:
        return connections.producer(self.settings, give_up_seconds=self.settings.kafka_wait_seconds)

    def flush(self) -> None:
        """Until the broker has taken every command sent, or it is given up (connections.producer).

        A producer that gave a command up and has no producer id left is not used again; the
        next send has a new one. kafka-python 3.0.12's idempotent producer, when a batch it had
        sent and was retrying expires (a broker restart), drops its producer id and never asks
        for another (`reset_producer_id` leaves its state READY): every later send waited for
        ever. One that still has its id keeps it (the broker is away: the next send says so)."""
        sending, self.sending = self.sending, []
        try:
            with self._broker_takes():
                connections.taken(
                    self.producer, sending, self.settings.kafka_wait_seconds + FLUSH_MARGIN_SECONDS
                )
        except NoReply:
            if not self.producer._transaction_manager.has_producer_id():
                self._drop_producer()
            raise

    def _drop_producer(self) -> None:
        """Closed without sending what it still holds: those commands were given up, and said so."""
        producer, self._producer = self._producer, None
        if producer is None:
            return
        try:
            producer.close(timeout=0)
        except KafkaTimeoutError:
            # Its close flushes first, and a flush of no time fails while it holds a batch: stop
            # its sender, which fails what it holds and ends its network thread.
            producer._sender.force_close()

    @contextmanager
    def _broker_takes(self) -> Iterator[None]:
        """A command the broker did not take is one line, not a traceback of kafka-python's."""
        try:
            yield
        except KafkaTimeoutError as error:
            raise NoReply(
                f"kafka: no word from the broker at {self.settings.kafka_bootstrap_servers} that it "
                f"took the command within {self.settings.kafka_wait_seconds:g} s: is it up "
                "(accelerator status)?"
            ) from error
        except KafkaError as error:
            raise NoReply(f"kafka: the broker did not take the command: {error}") from error

    def _replies(self, command_ids: list[str]) -> list[Reply]:
        """The replies to these commands, in the order asked."""
        got = {c: self.seen.pop(c) for c in command_ids if c in self.seen}
        deadline = time.monotonic() + self.settings.reply_timeout_seconds
        while any(c not in got for c in command_ids):
            if time.monotonic() > deadline:
                missing = [c for c in command_ids if c not in got]
                raise NoReply(
                    f"kafka: no reply to {len(missing)} command(s) within "
                    f"{self.settings.reply_timeout_seconds:g} s: is every `accelerator worker` up "
                    "(accelerator status)? A command sent is kept: it is done once its service is back"
                )
            for records in self.replies.poll(timeout_ms=100).values():
                for record in records:
                    reply = Reply.model_validate_json(record.value)
                    if reply.command_id in command_ids:
                        got.setdefault(reply.command_id, reply)
                    else:
                        self._keep(reply)
        return [got[c] for c in command_ids]

    def _keep(self, reply: Reply) -> None:
        self.seen[reply.command_id] = reply
        while len(self.seen) > SEEN:
            self.seen.popitem(last=False)

    def settle(self, timeout: float = 60) -> None:
        """Wait until the projector has projected every event now on the event topics."""
        wanted = self._last_events()
        group = self.names.group("projector")
        deadline = time.monotonic() + timeout
        client = admin(self.settings)
        try:
            while True:
                done = committed_offsets(self.settings, group, client)
                if all(tp in done and done[tp] > last for tp, last in wanted.items()):
                    return
                if time.monotonic() > deadline:
                    raise NoReply("kafka: the projector is behind: is `accelerator worker projector` up?")
                time.sleep(0.1)
        finally:
            client.close()

    def _last_events(self) -> dict[TopicPartition, int]:
        """The offset of the last event in each partition (a transaction marker may follow it)."""
        reader = connections.consumer(self.settings)
        try:
            partitions = connections.assign_all(reader, self.names.all_events())
            end = connections.ends(reader, partitions, self.settings.kafka_wait_seconds)
            for tp in partitions:
                reader.seek(tp, max(end[tp] - TAIL, 0))
            return {
                TopicPartition(r.topic, r.partition): r.offset
                for r in connections.catch_up(reader, partitions)
            }
        finally:
            reader.close()

    def startups(
        self,
        city: str | None = None,
        phase: str | None = None,
        challenge: str | None = None,
        limit: int | None = None,
        page: int = 1,
    ) -> list[StartupView]:
        self.settle()
        with Session(self.engine) as session:
            return read_model.startups_page(session, city, phase, challenge, limit, page)

    def startup(self, startup_id: str) -> StartupView | None:
        self.settle()
        with Session(self.engine) as session:
            return read_model.startup(session, startup_id)

    def find_startups(self, ref: str) -> list[str]:
        self.settle()
        with Session(self.engine) as session:
            return read_model.find_startups(session, ref)

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
        return in_stream_order(chosen)

    def rebuild(self, repair: bool = False, advance: Advance = silent) -> RebuildReport:
        """Every event topic replayed (in memory) and compared with the PostgreSQL read model."""
        if repair:
            raise Rejected(
                "repair",
                "the Kafka read model is the projector's: to replay it, stop the projector and empty "
                "its tables (projector_position, projector_subject, startup_view, challenge_view)",
            )
        fresh, events = self._replay(advance)
        report = RebuildReport(len(fresh.startups), len(fresh.challenges), events)
        stored = {v.startup_id: v for v in self.startups()}
        for key in sorted(fresh.startups.keys() | stored.keys()):
            report.compare("startup", key, fresh.startups.get(key), stored.get(key))
        challenges = {v.challenge_id: v for v in self.challenges()}
        for key in sorted(fresh.challenges.keys() | challenges.keys()):
            report.compare("challenge", key, fresh.challenges.get(key), challenges.get(key))
        return report

    def _replay(self, advance: Advance) -> tuple[Projection, int]:
        projection = Projection()
        seen: set[str] = set()
        for ce in self.history():
            advance(1)
            if ce.id not in seen:
                seen.add(ce.id)
                projection.apply(parse(ce), ce.time)
        return projection, len(seen)

    def follow(self, families: Sequence[str], from_start: bool, poll: float) -> Iterator[CloudEvent | None]:
        """Events as they arrive on the event topics (of these families), like a live feed."""
        reader = connections.consumer(self.settings)
        try:
            connections.assign_all(reader, [self.names.events(f) for f in families or FAMILIES], from_start)
            while True:
                batch = reader.poll(timeout_ms=int(poll * 1000))
                for records in batch.values():
                    yield from (ce for record in records if (ce := _readable(record.value)))
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
        """Once every command sent is taken or given up (see `flush`)."""
        try:
            if self._producer is not None:
                self._producer.close(timeout=self.settings.kafka_wait_seconds + FLUSH_MARGIN_SECONDS)
        finally:
            self.replies.close()
            self.engine.dispose()


def in_stream_order(events: list[CloudEvent]) -> list[CloudEvent]:
    """By time, each stream's events kept in their version order: a command given with an
    earlier `issued_at` than the one before it (back-dating, `--now`) dates a later version of
    a stream before an earlier one, and sorting by time alone would fold them the wrong way
    round (the projector folds them in version order)."""
    streams: dict[str, list[CloudEvent]] = defaultdict(list)
    for ce in events:
        streams[ce.stream or ""].append(ce)
    for versions in streams.values():
        versions.sort(key=lambda ce: ce.streamversion or 0)
    return list(
        heapq.merge(*streams.values(), key=lambda ce: (ce.time, ce.stream or "", ce.streamversion or 0))
    )


def _readable(raw: bytes) -> CloudEvent | None:
    """An event, or None for garbage (the projector has sent that to the DLQ with the reason)."""
    try:
        return CloudEvent.from_json(raw)
    except ValueError:
        return None
