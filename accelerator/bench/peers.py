"""The baselines a rebuild is measured against, on the same events in the same run.

- `eventsourcing` (PyPI, the library pyeventsourcing/eventsourcing): the history is copied
  once (cached beside the store) into the library's own SQLite application recorder, one
  stored event per event of the log — originator = the stream, version = the stream
  version, state = the very envelope JSON (same count, same sizes). The replay reads it as
  the library reads a notification log (`select_notifications` in pages), decodes each with
  the library's `Mapper` and `JSONTranscoder` into a domain event object, and projects it
  with peer_views.py into per-startup and per-challenge views, kept in a table of a
  `SQLiteTrackingRecorder`; each page's views are written with the tracking record in one
  transaction (the library's rule: view and position together). Views stay in a bounded
  cache between pages (the ones still changing), the others are read back when needed.
- a bare `SELECT envelope FROM event_log` + `orjson.loads` of every row: the floor.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from pathlib import Path
from typing import Any

import orjson

from accelerator.progress import Advance, silent

PAGE = 5_000
CACHE = 20_000
APPLICATION = "accelerator"
TOPIC = f"{__name__}:Envelope"


def bare_select(store: Path) -> int:
    """Every stored envelope read and decoded; nothing else."""
    connection = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    count = 0
    for (raw,) in connection.execute("SELECT envelope FROM event_log ORDER BY position"):
        orjson.loads(raw)
        count += 1
    connection.close()
    return count


def peer_log(store: Path, advance: Advance = silent) -> Path:
    """The library's own SQLite log holding the store's events (made once, cached)."""
    from eventsourcing.persistence import StoredEvent

    path = store.with_suffix(".eventsourcing.db")
    if path.exists():
        return path
    draft = path.with_suffix(".part")
    draft.unlink(missing_ok=True)
    recorder = _recorder(draft)
    source = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    rows = source.execute("SELECT stream, version, type, envelope FROM event_log ORDER BY position")
    while page := rows.fetchmany(PAGE):
        recorder.insert_events([StoredEvent(s, v, TOPIC, e.encode()) for s, v, _t, e in page])
        advance(len(page))
    source.close()
    recorder.datastore.close()
    draft.rename(path)
    return path


def _recorder(path: Path) -> Any:
    from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

    recorder = SQLiteApplicationRecorder(SQLiteDatastore(str(path), originator_id_type="text"))
    recorder.create_table()
    return recorder


def replay(path: Path, view_path: Path) -> int:
    """The library's log replayed into fresh views; the number of events projected."""
    from eventsourcing.persistence import JSONTranscoder, Mapper, Tracking

    recorder = _recorder(path)
    mapper: Mapper[str] = Mapper(JSONTranscoder())
    views = _views(view_path)
    done, start = 0, 1
    while notifications := recorder.select_notifications(start, PAGE):
        for notification in notifications:
            views.process(mapper.to_domain_event(notification))
        start = notifications[-1].id + 1
        views.save(Tracking(APPLICATION, notifications[-1].id))
        done += len(notifications)
    recorder.datastore.close()
    return done


def _views(path: Path) -> Any:
    from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder

    from accelerator.bench import peer_views

    class Views(SQLiteTrackingRecorder):
        """Per-startup and per-challenge views, with the tracking record, in one transaction."""

        def __init__(self, datastore: SQLiteDatastore) -> None:
            super().__init__(datastore)
            self.cache: OrderedDict[str, dict[str, Any] | None] = OrderedDict()
            self.dirty: set[str] = set()

        def construct_create_table_statements(self) -> list[str]:
            view = "CREATE TABLE IF NOT EXISTS peer_view (id TEXT PRIMARY KEY, kind TEXT, state BLOB)"
            return [*super().construct_create_table_statements(), view]

        def process(self, event: Any) -> None:
            envelope = vars(event)
            subject = envelope["subject"]
            challenge = envelope["type"].split(".")[2] in peer_views.CHALLENGE
            fold = peer_views.project_challenge if challenge else peer_views.project
            view = fold(self._view(subject), envelope)
            if view is not None:
                self.cache[subject] = view
                self.dirty.add(subject)

        def _view(self, subject: str) -> dict[str, Any] | None:
            if subject in self.cache:
                self.cache.move_to_end(subject)
                return self.cache[subject]
            with self.datastore.transaction(commit=False) as c:
                c.execute("SELECT state FROM peer_view WHERE id = ?", (subject,))
                row = c.fetchone()
            return orjson.loads(row[0]) if row else None

        def save(self, tracking: Any) -> None:
            rows = [(s, "view", orjson.dumps(self.cache[s])) for s in self.dirty]
            with self.datastore.transaction(commit=True) as c:
                c.executemany("INSERT OR REPLACE INTO peer_view VALUES (?, ?, ?)", rows)
                self._insert_tracking(c, tracking)
            self.dirty.clear()
            while len(self.cache) > CACHE:
                self.cache.popitem(last=False)

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    views = Views(SQLiteDatastore(str(path), originator_id_type="text"))
    views.create_table()
    return views


class Envelope:
    """What the mapper makes of each stored event: an object whose attributes are the
    decoded envelope (the library sets its `__dict__`; it validates nothing)."""

    originator_id: str
    originator_version: int
