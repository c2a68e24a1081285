"""The projector (the registry's Projection) on Kafka: every event topic into PostgreSQL,
each event applied exactly once.

Consumes: accelerator.events.* (read_committed), in its consumer group. Keeps, in the
PostgreSQL read model, the views and beside them what a projector needs to be exact: one
`Subject` per startup or challenge (each stream's next version and the events that came
early, services/projector/ordering.py) and the next offset of every partition it has
projected (tracking rows, as `eventsourcing`'s process applications keep theirs). One
transaction per batch writes all three, so a crash anywhere leaves the whole batch or none
of it; a partition it is given is read from the position in PostgreSQL, not from the
group's offsets, which are committed after the transaction only so that lag, `accelerator
status` and `settle` can see how far it is. Position rows are locked in the transaction
and records before the stored position skipped: a member that lost a partition in a
rebalance and still writes a batch it had polled changes nothing twice.

Why not Faust (which ran the projector before): faust-streaming 0.15.3 stalled after a
SIGKILL and restart in 2 of 4 runs of the fault test (fetching nothing with 66 records of
lag until the watchdog ended it), and in one CI run committed offsets past three events its
table and PostgreSQL never got — its acked-offset and gap bookkeeping across rebalances
(#596, #629) decides what is committed, and a second store (the table's changelog) had to
agree with PostgreSQL. Here PostgreSQL alone says what was projected.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from kafka import ConsumerRebalanceListener, TopicPartition
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata
from sqlalchemy import Engine, text
from sqlmodel import Field, Session, SQLModel, col, select

from accelerator.kafka import connections
from accelerator.kafka.client import create_tables, read_model_engine
from accelerator.kafka.messages import dead_letter
from accelerator.kafka.topics import Names
from accelerator.settings import Settings
from events import CloudEvent
from services.consumers import Consumer
from services.projector import read_model
from services.projector.ordering import Subject
from services.projector.rows import Upsert

log = logging.getLogger(__name__)
BATCH = 2000
"""Records per poll at most: a catch-up writes this many events per PostgreSQL transaction."""
CACHED = 20_000
"""Subjects kept parsed between batches (a subject's JSON parsed again costs more than its fold)."""
CLOSE_MS = 3000


class SubjectRow(SQLModel, table=True):
    __tablename__ = "projector_subject"

    subject: str = Field(primary_key=True)
    state: str
    """`Subject.state()`: each stream's next version and its early events (the views are in
    their own rows; a state stored before had them in it too)."""


class PositionRow(SQLModel, table=True):
    __tablename__ = "projector_position"

    topic: str = Field(primary_key=True)
    partition: int = Field(primary_key=True)
    next_offset: int


TABLES = [SubjectRow.__table__, PositionRow.__table__]  # type: ignore[attr-defined]
SUBJECTS = Upsert("projector_subject", ("subject", "state"))
UPSERT_POSITION = text(
    "INSERT INTO projector_position (topic, partition, next_offset) "
    "VALUES (:topic, :partition, :next_offset) "
    "ON CONFLICT (topic, partition) DO UPDATE SET next_offset = excluded.next_offset"
)


def positions(
    session: Session, partitions: Iterable[TopicPartition], lock: bool = False
) -> dict[TopicPartition, int]:
    """The next offset to project of each partition that has one (locked for this transaction)."""
    wanted = set(partitions)
    query = select(PositionRow).where(col(PositionRow.topic).in_({tp.topic for tp in wanted}))
    if lock:
        query = query.with_for_update()
    found = {TopicPartition(row.topic, row.partition): row.next_offset for row in session.exec(query)}
    return {tp: offset for tp, offset in found.items() if tp in wanted}


class Subjects:
    """The subjects as stored, with the last ones this member wrote kept in memory (parsed).

    A kept subject is used only while its stored JSON is still the one this member wrote: if
    another member has folded it since (after a rebalance), the stored one is parsed again."""

    def __init__(self, size: int = CACHED) -> None:
        self.size = size
        self.kept: OrderedDict[str, tuple[str, Subject]] = OrderedDict()

    def load(self, session: Session, keys: Iterable[str]) -> dict[str, Subject]:
        """The stored subjects among these keys, locked: two members never fold one subject at once."""
        ordered = sorted(set(keys))
        query = (
            select(SubjectRow.subject, SubjectRow.state)
            .where(col(SubjectRow.subject).in_(ordered))
            .order_by(col(SubjectRow.subject))
            .with_for_update()
        )
        found: dict[str, Subject] = {}
        parsed: dict[str, Subject] = {}
        for key, state in session.exec(query):
            kept = self.kept.pop(key, None)  # out while it is folded: a failed batch leaves none
            if kept is not None and kept[0] == state:
                found[key] = kept[1]
            else:
                parsed[key] = Subject.model_validate_json(state)
        if parsed:  # their views, as the same transactions wrote them (the rows are locked above)
            keys = sorted(parsed)
            startups = read_model.startups_by_id(session, keys)
            challenges = read_model.challenges_by_id(session, keys)
            for key, subject in parsed.items():
                found[key] = subject.with_views(startups.get(key), challenges.get(key))
        return found

    def keep(self, written: dict[str, tuple[str, Subject]]) -> None:
        """What a committed batch wrote."""
        for key, pair in written.items():
            self.kept.pop(key, None)
            self.kept[key] = pair
        while len(self.kept) > self.size:
            self.kept.popitem(last=False)


class FromPostgres(ConsumerRebalanceListener):
    """A partition this member is given is read from where PostgreSQL says it was projected."""

    def __init__(self, worker: ProjectorWorker) -> None:
        self.worker = worker

    def on_partitions_revoked(self, revoked: Any) -> None:
        pass  # nothing held: every batch is all in PostgreSQL, or not at all

    def on_partitions_assigned(self, assigned: Any) -> None:
        self.worker.seek(list(assigned))


class ProjectorWorker:
    def __init__(self, entry: Consumer, settings: Settings, instance: str = "1") -> None:
        self.entry, self.settings, self.instance = entry, settings, instance
        self.names = Names(settings.topic_prefix)
        self.group = self.names.group(entry.name)
        self.topics = self.names.all_events()
        self.engine: Engine = read_model_engine(settings)
        create_tables(self.engine, TABLES)
        self.consumer = connections.consumer(settings, self.group, max_poll_records=BATCH)
        connections.partitions(self.consumer, self.topics, settings.kafka_wait_seconds)
        self.dlq = connections.producer(settings)
        self.subjects = Subjects()
        self.resumed: dict[TopicPartition, int] = {}
        """Positions read from PostgreSQL on assignment, not yet committed to the group."""
        self.consumer.subscribe(self.topics, listener=FromPostgres(self))

    def run(self, keep_going: Callable[[], bool] = lambda: True) -> None:
        log.info("%s: projecting %s into PostgreSQL", self.entry.name, ", ".join(self.topics))
        while keep_going():
            batch = self.consumer.poll(timeout_ms=200)
            after = self.project(batch) if batch else {}
            if self.resumed:  # and where it resumed, until the group has it
                self._commit_resumed({**self.resumed, **after})
            elif after:
                self._commit(after)

    def seek(self, assigned: list[TopicPartition]) -> None:
        with Session(self.engine) as session:
            stored = positions(session, assigned)
        for tp in assigned:
            if tp in stored:
                self.consumer.seek(tp, stored[tp])
            else:
                self.consumer.seek_to_beginning(tp)
        # A member killed between its PostgreSQL commit and the group's offsets left the group
        # behind PostgreSQL: with nothing more to read there, only this moves the group on (or
        # lag, status and settle would wait for it for ever, and the watchdog end it again).
        self.resumed = stored  # positions() gave only the partitions assigned
        log.info(
            "%s: given %s partition(s), read from their positions in PostgreSQL",
            self.entry.name,
            len(assigned),
        )

    def project(self, batch: dict[TopicPartition, list[Any]]) -> dict[TopicPartition, int]:
        """One transaction: the batch's events into the subjects and views, and the positions."""
        letters: list[Any] = []
        with Session(self.engine) as session:
            stored = positions(session, batch, lock=True)
            fresh = {
                tp: [r for r in records if r.offset >= stored.get(tp, 0)] for tp, records in batch.items()
            }  # before the stored position: projected already (by this member, or another one)
            events: list[CloudEvent] = []
            for records in fresh.values():
                for record in records:
                    try:
                        events.append(CloudEvent.from_json(record.value))
                    except ValueError as error:
                        letters.append(dead_letter(record, f"unreadable event: {error}", self.group))
            known = self.subjects.load(session, (ce.subject for ce in events))
            changed: dict[str, Subject] = {}
            for ce in events:
                subject = changed.get(ce.subject) or known.get(ce.subject) or Subject(subject=ce.subject)
                subject.receive(ce)
                changed[ce.subject] = subject
            for letter in letters:  # sent before the commit: at least once (its offset names it)
                self.dlq.send(self.names.dlq, key=b"", value=letter.model_dump_json().encode())
            if letters:
                self.dlq.flush()
            read_model.save_startups(session, (s.startup for s in changed.values() if s.startup))
            read_model.save_challenges(session, (s.challenge for s in changed.values() if s.challenge))
            written = {key: (s.state(), s) for key, s in changed.items()}
            SUBJECTS.run(
                session.connection(),
                ({"subject": key, "state": state} for key, (state, _s) in written.items()),
            )
            after = {tp: records[-1].offset + 1 for tp, records in fresh.items() if records}
            after |= {tp: stored[tp] for tp, records in fresh.items() if not records and tp in stored}
            session.connection().execute(
                UPSERT_POSITION,
                [
                    {"topic": tp.topic, "partition": tp.partition, "next_offset": at}
                    for tp, at in after.items()
                ],
            )
            session.commit()
        self.subjects.keep(written)
        return after

    def _commit(self, after: dict[TopicPartition, int]) -> None:
        """The group's offsets follow PostgreSQL (for lag and status), sent without waiting for
        the answer: the next batch is being read and folded meanwhile (a commit is a round trip
        to the group's coordinator), and a commit that fails loses nothing."""
        self.consumer.commit_async(_offsets(after), callback=self._committed)

    def _commit_resumed(self, after: dict[TopicPartition, int]) -> None:
        """Where this member resumed, committed and waited for: until the group has it, it is
        asked again after every poll."""
        try:
            self.consumer.commit(_offsets(after))
        except KafkaError as error:
            self._committed(after, error)
            return
        self.resumed = {}

    def _committed(self, _offsets_sent: object, response: object) -> None:
        if isinstance(response, Exception):
            log.info(
                "%s: offsets not committed to the group (%s); PostgreSQL has them", self.entry.name, response
            )

    def close(self) -> None:
        self.consumer.close(autocommit=False, timeout_ms=CLOSE_MS)
        self.dlq.close(timeout=CLOSE_MS / 1000)
        self.engine.dispose()


def _offsets(after: dict[TopicPartition, int]) -> dict[TopicPartition, OffsetAndMetadata]:
    return {tp: OffsetAndMetadata(at, "", -1) for tp, at in after.items()}
