"""The SQLite event log beyond the contract every store keeps (tests/test_event_store_contract.py):
writers in several processes, and files that are not its own."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest

from accelerator.embedded.files import NotAStore, open_engine
from accelerator.embedded.store import ConcurrencyConflict, SqliteEventStore
from services.kernel import Metadata, VirtualClock
from tests import builders as b

STREAM = f"challenge-{b.CHALLENGE}"
META = Metadata("An Peeters")


def test_of_two_concurrent_writers_of_the_same_version_exactly_one_wins(
    tmp_path: Path, clock: VirtualClock
) -> None:
    path = tmp_path / "log.db"
    SqliteEventStore(open_engine(path), clock).append(STREAM, 0, [b.published()], META)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def write() -> None:
        store = SqliteEventStore(open_engine(path), clock)
        barrier.wait()
        try:
            store.append(STREAM, 1, [b.opened()], META)
            outcomes.append("written")
        except ConcurrencyConflict:
            outcomes.append("refused")

    threads = [threading.Thread(target=write) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "written"]
    assert SqliteEventStore(open_engine(path), clock).load(STREAM) == [b.published(), b.opened()]


def test_a_file_that_is_not_sqlite_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("Brugge budget notes, not a database\n" * 10)
    before = path.read_bytes()
    with pytest.raises(NotAStore, match="store: .* is not an accelerator store \\(not a SQLite database\\)"):
        open_engine(path)
    assert path.read_bytes() == before


def test_another_programs_sqlite_database_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("CREATE TABLE contacts (name TEXT)")
        connection.execute("INSERT INTO contacts VALUES ('Mechelen city hall')")
    before = path.read_bytes()
    with pytest.raises(NotAStore, match="is a SQLite database of another program"):
        open_engine(path)
    assert path.read_bytes() == before


def test_a_corrupt_store_is_refused(tmp_path: Path, clock: VirtualClock) -> None:
    path = tmp_path / "log.db"
    store = SqliteEventStore(open_engine(path), clock)
    for version in range(1, 200):
        store.append(f"challenge-c{version}", 0, [b.published()], META)
    store.engine.dispose()
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xff" * (len(data) - 4096)  # keep the header page, wreck the rest
    path.write_bytes(bytes(data))
    with pytest.raises(NotAStore, match="is corrupt"):
        open_engine(path)
