"""The embedded event log: an append-only SQLite table with a global position.

Each stream (one aggregate) has versions 1, 2, 3...; an append names the version it expects
to follow, and a stale one is refused (`ConcurrencyConflict`), never merged: the UNIQUE
(stream, version) constraint holds this even between processes sharing the file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, UniqueConstraint, event
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, create_engine, func, select

from events import CloudEvent, Event, envelope, parse
from services.kernel import Clock

APPLICATION_ID = 0x41434354  # "ACCT": marks a SQLite file as an accelerator store
SQLITE_HEADER = b"SQLite format 3\x00"


class ConcurrencyConflict(Exception):
    """Another writer appended to the stream first; reload and decide again."""


class NotAStore(Exception):
    """The file is corrupt, or is some other program's database."""


class StoredEvent(SQLModel, table=True):
    __tablename__ = "event_log"
    __table_args__ = (UniqueConstraint("stream", "version"), {"sqlite_autoincrement": True})

    position: int | None = Field(default=None, primary_key=True)
    id: str = Field(unique=True)
    stream: str
    version: int
    type: str
    family: str = Field(index=True)
    subject: str = Field(index=True)
    time: datetime
    envelope: str

    def cloud_event(self) -> CloudEvent:
        return CloudEvent.from_json(self.envelope)


class DeadLetter(SQLModel, table=True):
    """What a consumer could not process, with the reason, for an operator to look at."""

    id: int | None = Field(default=None, primary_key=True)
    consumer: str
    position: int
    reason: str
    payload: str


def check_file(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as file:
        if file.read(16) != SQLITE_HEADER:
            raise NotAStore(f"store: {path} is not an accelerator store (not a SQLite database)")
    try:
        with sqlite3.connect(path) as connection:
            app_id = connection.execute("PRAGMA application_id").fetchone()[0]
            check = connection.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise NotAStore(f"store: {path} is corrupt ({error})") from error
    if app_id != APPLICATION_ID:
        raise NotAStore(f"store: {path} is a SQLite database of another program, not a store")
    if check != "ok":
        raise NotAStore(f"store: {path} is corrupt ({check})")


def open_engine(path: Path) -> Engine:
    """Open (or create) a store file, refusing files that are not ours."""
    check_file(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA foreign_keys=ON")

    import services.projector.read_model  # noqa: F401 - registers the read model's tables

    SQLModel.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
    return engine


class SqliteEventStore:
    def __init__(self, engine: Engine, clock: Clock, source: str = "accelerator/embedded") -> None:
        self.engine = engine
        self.clock = clock
        self.source = source

    def load(self, stream: str) -> list[Event]:
        with Session(self.engine) as session:
            rows = session.exec(
                select(StoredEvent.envelope)
                .where(StoredEvent.stream == stream)
                .order_by(col(StoredEvent.version))
            )
            return [parse(CloudEvent.from_json(raw)) for raw in rows]

    def append(self, stream: str, expected_version: int, events: Sequence[Event]) -> None:
        now = self.clock.now()
        rows = []
        for version, item in enumerate(events, start=expected_version + 1):
            ce = envelope(item, source=self.source, time=now, stream=stream, version=version)
            rows.append(
                StoredEvent(
                    id=ce.id,
                    stream=stream,
                    version=version,
                    type=ce.type,
                    family=ce.family,
                    subject=ce.subject,
                    time=now,
                    envelope=ce.to_json(),
                )
            )
        try:
            with Session(self.engine) as session:
                current = session.exec(
                    select(func.max(StoredEvent.version)).where(StoredEvent.stream == stream)
                ).one()
                if (current or 0) != expected_version:
                    raise ConcurrencyConflict(f"{stream} is at version {current}, not {expected_version}")
                session.add_all(rows)
                session.commit()
        except IntegrityError as error:
            raise ConcurrencyConflict(f"{stream} was written concurrently") from error

    def read_after(
        self, position: int, limit: int = 1000, families: Sequence[str] = ()
    ) -> list[tuple[int, CloudEvent]]:
        query = select(StoredEvent).where(col(StoredEvent.position) > position)
        if families:
            query = query.where(col(StoredEvent.family).in_(families))
        query = query.order_by(col(StoredEvent.position)).limit(limit)
        with Session(self.engine) as session:
            return [(row.position or 0, row.cloud_event()) for row in session.exec(query)]

    def history(self, subject: str | None = None, until: datetime | None = None) -> list[CloudEvent]:
        query = select(StoredEvent)
        if subject is not None:
            query = query.where(StoredEvent.subject == subject)
        if until is not None:
            query = query.where(col(StoredEvent.time) <= until)
        with Session(self.engine) as session:
            rows = session.exec(query.order_by(col(StoredEvent.position)))
            return [row.cloud_event() for row in rows]

    def head(self) -> int:
        with Session(self.engine) as session:
            return session.exec(select(func.max(StoredEvent.position))).one() or 0
