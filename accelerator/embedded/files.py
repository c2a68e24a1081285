"""The store file: opened only if it is ours, migrated to this version's tables, read-only
when only read. Every problem with it is a `StoreError` naming the file and what is wrong."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:  # imported where used: checking a file, or a rebuild, needs only sqlite3
    from sqlalchemy import Engine
    from sqlalchemy.exc import OperationalError

APPLICATION_ID = 0x41434354  # "ACCT": marks a SQLite file as an accelerator store
SCHEMA_VERSION = 4
"""SQLite `user_version` of this version's tables (1: before causation and participation;
2: before framed challenges, applicants of any kind and outcomes; 3: before the read
model's listing indexes)."""
SQLITE_HEADER = b"SQLite format 3\x00"


class StoreError(Exception):
    """The store cannot be used: not ours, corrupt, missing, read-only. One line, field `store`."""

    @classmethod
    def from_sqlite(cls, engine: Engine, error: OperationalError) -> StoreError:
        path = engine.url.database
        if "readonly" in str(error):
            return cls(f"store: {path} is read-only: nothing was recorded")
        return cls(f"store: {path}: {error.orig}")


NotAStore = StoreError  # the name the first version used


def check_file(path: Path) -> None:
    if str(path) in ("", "."):
        raise StoreError("store: must name a file (got an empty path)")
    if path.is_dir():
        raise StoreError(f"store: {path} is a directory, not a store file")
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as file:
        if file.read(16) != SQLITE_HEADER:
            raise StoreError(f"store: {path} is not an accelerator store (not a SQLite database)")
    try:
        # closing(): sqlite3's own `with` ends a transaction, not the connection, which then
        # lives on (a cycle through its statement cache) until the garbage collector comes by.
        with closing(sqlite3.connect(sqlite_uri(path, _read_only(path)), uri=True)) as connection:
            app_id = connection.execute("PRAGMA application_id").fetchone()[0]
            check = _integrity(connection, path.stat().st_size)
    except sqlite3.DatabaseError as error:
        raise StoreError(f"store: {path} is corrupt ({error})") from error
    if app_id != APPLICATION_ID:
        raise StoreError(f"store: {path} is a SQLite database of another program, not a store")
    if check != "ok":
        raise StoreError(f"store: {path} is corrupt ({check})")


QUICK_CHECK_BYTES = 64 * 1024 * 1024
"""Up to this size a store is checked whole on every open (`PRAGMA quick_check`); a larger
one only where every table starts (its root and first leaf pages): quick_check reads the whole
file, seconds at a million events, for every command. Damage deeper in a large file is
reported by SQLite when a read reaches it."""


def _integrity(connection: sqlite3.Connection, size: int) -> str:
    if size <= QUICK_CHECK_BYTES:
        return str(connection.execute("PRAGMA quick_check").fetchone()[0])
    tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        connection.execute(f'SELECT * FROM "{table}" LIMIT 1').fetchall()
    return "ok"


def open_engine(path: Path, read_only: bool = False) -> Engine:
    """Open (or, to write, create) a store file, refusing files that are not ours.

    Read-only: the file must exist, and nothing is written to it — not even the marks."""
    check_file(path)
    if read_only:
        return _open_for_reading(path)
    if path.exists() and not os.access(path, os.W_OK):
        raise StoreError(f"store: {path} is read-only: nothing can be recorded there")
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = _engine(f"sqlite:///{path}")
    _prepare(engine)
    return engine


def _open_for_reading(path: Path) -> Engine:
    if not path.exists():
        raise StoreError(
            f"store: {path} does not exist: nothing was ever recorded there "
            "(check --store or ACCELERATOR_STORE)"
        )
    if os.access(path, os.W_OK) and os.access(path.parent, os.W_OK):
        engine = _engine(f"sqlite:///{path}")
        _prepare(engine)  # an empty file becomes a store, an older one is brought up to date
        return engine
    engine = _engine(f"sqlite:///{sqlite_uri(path, _read_only(path))}&uri=true", wal=False)
    with engine.connect() as connection:
        version = connection.exec_driver_sql("PRAGMA user_version").scalar()
    if version != SCHEMA_VERSION:
        raise StoreError(f"store: {path} is read-only and from an older version; open it once writable")
    return engine


def sqlite_uri(path: Path, query: str) -> str:
    """The store as an SQLite URI (`file:` path, percent-encoded: a folder named `a #2` or
    `why?` is a path, not a fragment or a query), with this query."""
    return f"file:{quote(str(path))}?{query}"


def _read_only(path: Path) -> str:
    """How SQLite may read a store without writing a byte. A WAL store is read through its
    `-shm` file, which SQLite cannot create in a directory we may not write to: without one,
    the store is read as immutable. No writer is at work then (a writer keeps its `-shm` file
    while it works); one that starts during a read command could go unseen by it."""
    if not Path(f"{path}-shm").exists() and not os.access(path.parent, os.W_OK):
        return "immutable=1"
    return "mode=ro"


def _engine(url: str, wal: bool = True) -> Engine:
    from sqlalchemy import create_engine, event

    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        connection.isolation_level = None  # transactions begin below, not in the driver
        if wal:
            connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # A writer takes the write lock before it reads what it will decide on: two processes
        # then wait for each other instead of both deciding on the same snapshot.
        immediate = connection.get_execution_options().get("immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, whose transactions take the write lock as they begin.

    For whatever reads the store and then writes it: in WAL mode, a transaction that began by
    reading cannot go on to write once another connection has committed since, and SQLite
    refuses it at once ("database is locked"), without waiting. On PostgreSQL it changes nothing."""
    return engine.execution_options(immediate=True)


def _prepare(engine: Engine) -> None:
    """Create this version's tables, migrate an older store, and mark the file as ours."""
    from sqlalchemy.exc import OperationalError
    from sqlmodel import SQLModel

    import accelerator.embedded.tables
    import accelerator.web.tables
    import accelerator.webhooks.tables  # noqa: F401 - registers the webhook queue's tables
    import services.projector.read_model  # noqa: F401 - these register the tables
    from accelerator.embedded.migrations import migrate

    try:
        with engine.begin() as connection:
            version = connection.exec_driver_sql("PRAGMA user_version").scalar() or 0
            if version < SCHEMA_VERSION and _has_log(connection):
                migrate(connection, version)
        SQLModel.metadata.create_all(engine)
        with engine.begin() as connection:
            # Set only when they differ: setting them writes the file's header even when the
            # value is the same, and a command that reads, or is refused, changes no byte.
            for pragma, value in (("application_id", APPLICATION_ID), ("user_version", SCHEMA_VERSION)):
                if connection.exec_driver_sql(f"PRAGMA {pragma}").scalar() != value:
                    connection.exec_driver_sql(f"PRAGMA {pragma}={value}")
    except OperationalError as error:
        raise StoreError.from_sqlite(engine, error) from error


def _has_log(connection: Any) -> bool:
    return (
        connection.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'event_log'").first() is not None
    )
