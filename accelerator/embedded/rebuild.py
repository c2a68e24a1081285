"""Rebuild the read model from the log, streaming: one subject at a time, in one pass.

The log is read in the order of the `subject` index (each subject's events in log order),
so each view is folded from start to end once and never held longer than its own events
take; the read model is read in the same order beside it, and each replayed view is compared
with its stored row as they meet (a merge). With `repair`, the views that differ are
written in batches, and the projector's position set to the head, all in one transaction
that holds the write lock: the read model is either the old one or the log's, never half.
Memory stays flat whatever the log's size. The fold is the projector's
(services/projector/views.py): views of different subjects never depend on each other.

Plain `sqlite3`, no ORM: a rebuild is the store's biggest job and stays small in memory.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path
from typing import Any

from accelerator.embedded.files import SCHEMA_VERSION, StoreError, check_file
from accelerator.progress import Advance, silent
from accelerator.queries import RebuildReport
from events.reader import read
from services.projector.rows import UPSERT_CHALLENGE, UPSERT_STARTUP, challenge_row, startup_row
from services.projector.views import ChallengeView, Projection, StartupView

BATCH = 1_000
PROJECTOR = "projector"
KINDS: dict[str, Any] = {
    "startup": ("startup_view", "startup_id", StartupView, UPSERT_STARTUP, startup_row),
    "challenge": ("challenge_view", "challenge_id", ChallengeView, UPSERT_CHALLENGE, challenge_row),
}


def rebuild(path: Path, repair: bool = False, advance: Advance = silent) -> RebuildReport:
    """Replay the store's log into fresh views, compare them with the read model, and with
    `repair` replace the views that differ. Raises `StoreError` for a file that is not one."""
    connection = _connect(path, repair)
    try:
        connection.execute("BEGIN IMMEDIATE" if repair else "BEGIN")  # one snapshot of both
        head = connection.execute("SELECT COALESCE(MAX(position), 0) FROM event_log").fetchone()[0]
        advance(0, total=head)
        report = _Merge(connection, repair).run(head, advance)
        if repair:
            _move_projector(connection, head)
        connection.execute("COMMIT")
        return report
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    finally:
        connection.close()


class _Merge:
    """The replayed views and the stored rows, walked side by side in key order."""

    def __init__(self, connection: sqlite3.Connection, repair: bool) -> None:
        self.connection, self.repair = connection, repair
        self.report = RebuildReport()
        self.stored = {kind: _Cursor(connection, kind) for kind in KINDS}
        self.writes: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}

    def run(self, head: int, advance: Advance) -> RebuildReport:
        for subject, events in groupby(_events(self.connection, head), key=lambda row: row[0]):
            projection, count = Projection(), 0
            for _subject, raw in events:
                count += 1
                try:
                    event, time = read(raw)
                except ValueError:
                    self.report.unreadable += 1  # the projector dead-lettered it: no view took it
                    continue
                projection.apply(event, time)
            self.report.events += count
            self._meet("startup", subject, projection.startups.get(subject))
            self._meet("challenge", subject, projection.challenges.get(subject))
            advance(count)
        for kind in KINDS:
            self._drain(kind, None)
            self._flush(kind)
        return self.report

    def _meet(self, kind: str, key: str, fresh: StartupView | ChallengeView | None) -> None:
        """Compare a replayed view with its stored row, as the walk reaches its key."""
        stored = self.stored[kind]
        self._drain(kind, key)
        json = stored.take() if stored.key == key else None
        if fresh is None and json is None:
            return
        if fresh is not None:
            self._count(kind)
        row = KINDS[kind][4](fresh) if fresh is not None else None
        if row is None or row["view"] != json:
            self._differ(kind, key, fresh, row, json)

    def _drain(self, kind: str, before: str | None) -> None:
        """Stored rows with keys before `before` (None: all left) were not replayed."""
        stored = self.stored[kind]
        while stored.key is not None and (before is None or stored.key < before):
            key = stored.key
            self._differ(kind, key, None, None, stored.take())

    def _count(self, kind: str) -> None:
        setattr(self.report, f"{kind}s", getattr(self.report, f"{kind}s") + 1)

    def _differ(self, kind: str, key: str, fresh: Any, row: dict[str, Any] | None, json: str | None) -> None:
        stored = KINDS[kind][2].model_validate_json(json) if json is not None else None
        if fresh == stored:
            return  # the same view, written another way (e.g. 10000 for 10000.00)
        self.report.compare(kind, key, fresh, stored)
        if self.repair:
            self.writes[kind].append(row if row is not None else {KINDS[kind][1]: key, "delete": True})
            if len(self.writes[kind]) >= BATCH:
                self._flush(kind)

    def _flush(self, kind: str) -> None:
        table, id_column, _model, upsert, _row = KINDS[kind]
        rows, self.writes[kind] = self.writes[kind], []
        gone = [(r[id_column],) for r in rows if r.get("delete")]
        kept = [r for r in rows if not r.get("delete")]
        self.connection.executemany(f"DELETE FROM {table} WHERE {id_column} = ?", gone)
        self.connection.executemany(upsert, kept)


class _Cursor:
    """The stored rows of one kind of view, in key order, a page at a time. Each page is its
    own query from the last key on: the views behind it are being rewritten meanwhile."""

    def __init__(self, connection: sqlite3.Connection, kind: str) -> None:
        table, id_column = KINDS[kind][:2]
        self.connection = connection
        self.query = (
            f'SELECT {id_column}, "view" FROM {table} WHERE {id_column} > ? ORDER BY {id_column} LIMIT ?'
        )
        self.page: list[tuple[str, str]] = []
        self.key: str | None = ""
        self.json = ""
        self.take()

    def take(self) -> str:
        """The current row's view; the cursor moves to the next row (key None: no more)."""
        json = self.json
        if not self.page and self.key is not None:
            self.page = self.connection.execute(self.query, (self.key, BATCH)).fetchall()[::-1]
        self.key, self.json = self.page.pop() if self.page else (None, "")
        return json


def _events(connection: sqlite3.Connection, head: int) -> Iterator[tuple[str, str]]:
    """Every event up to the head, by subject, each subject's in the order of the log (the
    `subject` index holds (subject, position): no sort)."""
    rows = connection.execute(
        "SELECT subject, envelope FROM event_log WHERE position <= ? ORDER BY subject, position", (head,)
    )
    while page := rows.fetchmany(BATCH):
        yield from page


def _move_projector(connection: sqlite3.Connection, head: int) -> None:
    """The views are now the log's up to the head: the projector goes on from there."""
    connection.execute("INSERT OR IGNORE INTO tracking (consumer, position) VALUES (?, 0)", (PROJECTOR,))
    connection.execute("UPDATE tracking SET position = ? WHERE consumer = ?", (head, PROJECTOR))


def _connect(path: Path, writable: bool) -> sqlite3.Connection:
    """The store, as `files.open_engine` would open it (migrated if it is older), with sqlite3."""
    check_file(path)
    if not path.exists():
        raise StoreError(f"store: {path} does not exist: nothing was ever recorded there")
    can_write = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    if writable and not can_write:
        raise StoreError(f"store: {path} is read-only: nothing can be recorded there")
    if _version(path) != SCHEMA_VERSION:
        if not can_write:
            raise StoreError(f"store: {path} is read-only and from an older version; open it once writable")
        from accelerator.embedded.files import open_engine

        open_engine(path).dispose()  # brought up to this version's tables
    target = str(path) if can_write else f"file:{path}?mode=ro"
    connection = sqlite3.connect(target, uri=not can_write, isolation_level=None, timeout=30)
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


def _version(path: Path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        return int(connection.execute("PRAGMA user_version").fetchone()[0])
