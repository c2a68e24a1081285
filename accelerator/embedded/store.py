"""The embedded event log: an append-only SQLite table with a global position.

Each stream (one aggregate) has versions 1, 2, 3...; an append names the version it expects
to follow, and a stale one is refused (`ConcurrencyConflict`), never merged: the UNIQUE
(stream, version) constraint holds this even between processes sharing the file. Each event
keeps the id of the command that caused it, so a command given twice is recognised.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Engine, UniqueConstraint, bindparam, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Field, Session, SQLModel, col, select

from accelerator.embedded.files import StoreError, writer
from events import CloudEvent, Event, envelope
from events.reader import read
from services.kernel import Clock, ConcurrencyConflict, Metadata

__all__ = ["ConcurrencyConflict", "SqliteEventStore", "StoredEvent"]

LOAD = text("SELECT envelope FROM event_log WHERE stream = :stream ORDER BY version")
VERSION = text("SELECT MAX(version) FROM event_log WHERE stream = :stream")
VERSIONS = text(
    "SELECT stream, MAX(version) FROM event_log WHERE stream >= :low AND stream < :high GROUP BY stream"
)
HEAD = text("SELECT MAX(position) FROM event_log")
CAUSED_BY = text("SELECT envelope FROM event_log WHERE causation IN :ids ORDER BY position").bindparams(
    bindparam("ids", expanding=True)
)
TYPES_AFTER = text("SELECT position, type FROM event_log WHERE position > :after AND position <= :head")


class StoredEvent(SQLModel, table=True):
    __tablename__ = "event_log"
    __table_args__ = (UniqueConstraint("stream", "version"), {"sqlite_autoincrement": True})

    position: int | None = Field(default=None, primary_key=True)
    id: str = Field(unique=True)
    stream: str
    version: int
    type: str = Field(index=True)
    family: str = Field(index=True)
    subject: str = Field(index=True)
    time: datetime
    causation: str | None = Field(default=None, index=True)
    envelope: str

    def cloud_event(self) -> CloudEvent:
        return CloudEvent.from_json(self.envelope)


class SqliteEventStore:
    def __init__(self, engine: Engine, clock: Clock, source: str = "accelerator/embedded") -> None:
        self.engine = engine
        self.clock = clock
        self.source = source

    def load(self, stream: str) -> list[Event]:
        with self.engine.connect() as connection:
            rows = connection.execute(LOAD, {"stream": stream})
            return [read(raw)[0] for (raw,) in rows]

    def append(self, stream: str, expected_version: int, events: Sequence[Event], meta: Metadata) -> None:
        now = meta.time or self.clock.now()
        rows = []
        for version, item in enumerate(events, start=expected_version + 1):
            ce = envelope(
                item,
                source=self.source,
                time=now,
                stream=stream,
                version=version,
                causation=meta.causation,
                actor=meta.actor,
            )
            rows.append(
                {
                    "id": ce.id,
                    "stream": stream,
                    "version": version,
                    "type": ce.type,
                    "family": ce.family,
                    "subject": ce.subject,
                    "time": now,
                    "causation": meta.causation,
                    "envelope": ce.to_json(),
                }
            )
        try:
            with writer(self.engine).begin() as connection:
                current = connection.execute(VERSION, {"stream": stream}).scalar()
                if (current or 0) != expected_version:
                    raise ConcurrencyConflict(f"{stream} is at version {current}, not {expected_version}")
                connection.execute(StoredEvent.__table__.insert(), rows)  # type: ignore[attr-defined]
        except IntegrityError as error:
            raise ConcurrencyConflict(f"{stream} was written concurrently") from error
        except OperationalError as error:
            raise StoreError.from_sqlite(self.engine, error) from error

    def read_after(
        self, position: int, limit: int = 1000, families: Sequence[str] = (), types: Sequence[str] = ()
    ) -> list[tuple[int, CloudEvent]]:
        """The events after `position` (of these families or types), in the order of the log."""
        return [
            (pos, CloudEvent.from_json(raw)) for pos, raw in self.raw_after(position, limit, families, types)
        ]

    def raw_after(
        self, position: int, limit: int = 1000, families: Sequence[str] = (), types: Sequence[str] = ()
    ) -> list[tuple[int, str]]:
        """As `read_after`, the envelopes as stored (JSON): for folds that read them fast."""
        query = select(StoredEvent.position, StoredEvent.envelope).where(col(StoredEvent.position) > position)
        if families:
            query = query.where(col(StoredEvent.family).in_(families))
        if types:
            query = query.where(col(StoredEvent.type).in_(types))
        query = query.order_by(col(StoredEvent.position)).limit(limit)
        with self.engine.connect() as connection:
            return [(pos, raw) for pos, raw in connection.execute(query)]

    def caused_by(self, command_ids: Sequence[str]) -> list[CloudEvent]:
        """The events these commands recorded, in the order of the log."""
        if not command_ids:
            return []
        with self.engine.connect() as connection:
            rows = connection.execute(CAUSED_BY, {"ids": list(command_ids)})
            return [CloudEvent.from_json(raw) for (raw,) in rows]

    def types_after(self, position: int, head: int) -> list[tuple[int, str]]:
        """(position, type) of the events after `position` up to `head`."""
        with self.engine.connect() as connection:
            return [
                (pos, kind)
                for pos, kind in connection.execute(TYPES_AFTER, {"after": position, "head": head})
            ]

    def streams(self, prefix: str) -> list[str]:
        """The ids of every aggregate whose stream starts with `prefix-`."""
        return sorted(self.versions(prefix))

    def versions(self, prefix: str) -> dict[str, int]:
        """Every aggregate whose stream starts with `prefix-`, with its stream's version (one
        walk of the UNIQUE (stream, version) index)."""
        low = f"{prefix}-"
        with self.engine.connect() as connection:
            rows = connection.execute(VERSIONS, {"low": low, "high": f"{prefix}."})
            return {stream.removeprefix(low): version for stream, version in rows}

    def aggregate_ids(self, prefix: str) -> list[str]:
        return self.streams(prefix)

    def history(self, subject: str | None = None, until: datetime | None = None) -> list[CloudEvent]:
        query = select(StoredEvent.envelope)
        if subject is not None:
            query = query.where(StoredEvent.subject == subject)
        if until is not None:
            query = query.where(col(StoredEvent.time) <= until)
        with Session(self.engine) as session:
            rows = session.exec(query.order_by(col(StoredEvent.position)))
            return [CloudEvent.from_json(raw) for raw in rows]

    def head(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(HEAD).scalar() or 0
