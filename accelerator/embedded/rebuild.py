"""Rebuild the read model from the log, streaming: one subject at a time, in one pass.

The log is read in the order of the `subject` index (each subject's events in log order),
so each view is folded from start to end once and never held longer than its own events
take; the read model is read in the same order beside it, and each replayed view is compared
with its stored row as they meet (a merge). With `repair`, the views that differ are
written in batches, and the projector's position set to the head, all in one transaction
that holds the write lock: the read model is either the old one or the log's, never half.
Memory stays flat whatever the log's size. The fold is the projector's
(services/projector/views.py): views of different subjects never depend on each other, so a
long log is folded by helper processes, one per core, each a piece of the subjects at a time
(the log up to the head never changes: they read it beside the snapshot); the merge, the
comparison and every write stay in this process, in key order, in its one transaction.

Plain `sqlite3`, no ORM: a rebuild is the store's biggest job and stays small in memory.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from itertools import groupby, islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from accelerator.embedded.files import SCHEMA_VERSION, StoreError, check_file, sqlite_uri
from accelerator.progress import Advance, silent
from accelerator.queries import RebuildReport
from events.reader import read
from services.projector.rows import CHALLENGES, STARTUPS, challenge_row, startup_row
from services.projector.views import ChallengeView, Projection, StartupView

BATCH = 1_000
PROJECTOR = "projector"
PIECE = 10_000
"""About this many events make one piece of work for a helper (a few MB of rows in flight)."""
HELPED_FROM = 50_000
"""A log this long is folded by helpers; a shorter one here (starting them costs more)."""
CACHE_KIB = 16 * 1024
"""The rebuild's SQLite page cache."""
Row = dict[str, Any]
Folded = tuple[str, int, int, Row | None, Row | None]
"""One subject replayed: its id, its events, how many were unreadable, its views' rows."""
KINDS: dict[str, Any] = {
    "startup": ("startup_view", "startup_id", StartupView, STARTUPS.each, startup_row),
    "challenge": ("challenge_view", "challenge_id", ChallengeView, CHALLENGES.each, challenge_row),
}


def rebuild(
    path: Path, repair: bool = False, advance: Advance = silent, helpers: int | None = None
) -> RebuildReport:
    """Replay the store's log into fresh views, compare them with the read model, and with
    `repair` replace the views that differ. Raises `StoreError` for a file that is not one.
    `helpers`: processes that fold (default: one per core for a long log; under 2: none)."""
    connection = _connect(path, repair)
    try:
        connection.execute("BEGIN IMMEDIATE" if repair else "BEGIN")  # one snapshot of both
        head = connection.execute("SELECT COALESCE(MAX(position), 0) FROM event_log").fetchone()[0]
        advance(0, total=head)
        helpers = _helpers(head) if helpers is None else helpers
        folded = _helped(path, connection, head, helpers) if helpers > 1 else _fold(_events(connection, head))
        report = _Merge(connection, repair).run(folded, advance)
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

    def run(self, folded: Iterable[Folded], advance: Advance) -> RebuildReport:
        for subject, count, unreadable, startup, challenge in folded:
            self.report.events += count
            self.report.unreadable += unreadable
            self._meet("startup", subject, startup)
            self._meet("challenge", subject, challenge)
            advance(count)
        for kind in KINDS:
            self._drain(kind, None)
            self._flush(kind)
        return self.report

    def _meet(self, kind: str, key: str, row: Row | None) -> None:
        """Compare a replayed view's row with the stored one, as the walk reaches its key."""
        stored = self.stored[kind]
        self._drain(kind, key)
        json = stored.take() if stored.key == key else None
        if row is None and json is None:
            return
        if row is not None:
            self._count(kind)
        if row is None or row["view"] != json:
            self._differ(kind, key, row, json)

    def _drain(self, kind: str, before: str | None) -> None:
        """Stored rows with keys before `before` (None: all left) were not replayed."""
        stored = self.stored[kind]
        while stored.key is not None and (before is None or stored.key < before):
            key = stored.key
            self._differ(kind, key, None, stored.take())

    def _count(self, kind: str) -> None:
        setattr(self.report, f"{kind}s", getattr(self.report, f"{kind}s") + 1)

    def _differ(self, kind: str, key: str, row: Row | None, json: str | None) -> None:
        model = KINDS[kind][2]
        if json is None:
            self.report.missing(kind, key)
        else:
            fresh = model.model_validate_json(row["view"]) if row is not None else None
            stored = model.model_validate_json(json)
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


def _events(
    connection: sqlite3.Connection, head: int, piece: tuple[str, str] | None = None
) -> Iterator[tuple[str, str]]:
    """Every event up to the head (of the subjects from `piece[0]` to `piece[1]`, if given), by
    subject, each subject's in the order of the log (the `subject` index holds (subject,
    position): no sort)."""
    within, bounds = ("subject BETWEEN ? AND ? AND ", piece) if piece else ("", ())
    rows = connection.execute(
        f"SELECT subject, envelope FROM event_log WHERE {within}position <= ? ORDER BY subject, position",
        (*bounds, head),
    )
    while page := rows.fetchmany(BATCH):
        yield from page


def _fold(rows: Iterable[tuple[str, str]]) -> Iterator[Folded]:
    """Each subject's events, in order, folded alone into its views' rows."""
    for subject, events in groupby(rows, key=itemgetter(0)):
        projection, count, unreadable = Projection(), 0, 0
        for _subject, raw in events:
            count += 1
            try:
                event, time = read(raw)
            except ValueError:
                unreadable += 1  # the projector dead-lettered it: no view took it
                continue
            projection.apply(event, time)
        startup, challenge = projection.startups.get(subject), projection.challenges.get(subject)
        yield (
            subject,
            count,
            unreadable,
            startup_row(startup) if startup is not None else None,
            challenge_row(challenge) if challenge is not None else None,
        )


def _helpers(head: int) -> int:
    """One folder per core this process may run on, for a long log; none for a short one, nor
    in a process with threads of its own (a web server's): a lock one of them holds at the fork
    (SQLite's allocator takes one on every malloc) would stay held in the helper for ever."""
    if head < HELPED_FROM or threading.active_count() > 1:
        return 1
    return len(os.sched_getaffinity(0))


def _helped(path: Path, connection: sqlite3.Connection, head: int, helpers: int) -> Iterator[Folded]:
    """The same as `_fold` over the whole log, folded by `helpers` processes a piece at a time.

    Pieces are handed out in key order, a few ahead of the one being merged, and taken back in
    that order: at most `2 * helpers` pieces' rows are in flight, whatever the log's size. A
    helper that dies (killed, out of memory) ends the rebuild with an error, nothing written."""
    pieces = _pieces(connection, head)
    pool = ProcessPoolExecutor(helpers, multiprocessing.get_context("fork"), _open_log, (str(path),))
    try:
        pending = deque(pool.submit(_fold_piece, head, *piece) for piece in islice(pieces, 2 * helpers))
        while pending:
            done = pending.popleft().result()
            pending.extend(pool.submit(_fold_piece, head, *piece) for piece in islice(pieces, 1))
            yield from done
    finally:
        pool.shutdown(cancel_futures=True)


def _pieces(connection: sqlite3.Connection, head: int) -> Iterator[tuple[str, str]]:
    """The subjects cut into ranges (first, last) of about PIECE events each, in key order."""
    counts = connection.execute(
        "SELECT subject, COUNT(*) FROM event_log WHERE position <= ? GROUP BY subject ORDER BY subject",
        (head,),
    ).fetchall()  # a row per subject; read at once, the connection goes on to the merge
    first, size = None, 0
    for subject, count in counts:
        first = subject if first is None else first
        size += count
        if size >= PIECE:
            yield first, subject
            first, size = None, 0
    if first is not None:
        yield first, subject


_log: sqlite3.Connection | None = None
"""A helper's own read-only connection to the log."""


def _open_log(path: str) -> None:
    global _log
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the rebuild's to handle: it ends them
    _log = sqlite3.connect(sqlite_uri(Path(path), "mode=ro"), uri=True, isolation_level=None, timeout=30)


def _fold_piece(head: int, first: str, last: str) -> list[Folded]:
    """In a helper: one piece's subjects folded (the log up to the head never changes)."""
    assert _log is not None, "a helper's connection is opened when it starts"
    return list(_fold(_events(_log, head, (first, last))))


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
    target = str(path) if can_write else sqlite_uri(path, "mode=ro")
    connection = sqlite3.connect(target, uri=not can_write, isolation_level=None, timeout=30)
    connection.execute("PRAGMA synchronous=NORMAL")
    # A repair's rows land in the listing indexes all over the file: with SQLite's default page
    # cache (2 MiB) a million-event store read their pages back for every batch (bench/NOTES.md).
    connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    return connection


def _version(path: Path) -> int:
    with closing(sqlite3.connect(sqlite_uri(path, "mode=ro"), uri=True)) as connection:
        return int(connection.execute("PRAGMA user_version").fetchone()[0])
