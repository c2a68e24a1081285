"""`rebuild` on the embedded store: one streaming pass that finds, names and repairs every view
that is not the log's, and leaves the read model alone when it is. Every test runs twice: folded
in the process, and by helper processes in pieces of two events (as a long log is)."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest

from accelerator import queries
from accelerator.embedded import rebuild as rebuilding
from accelerator.embedded.files import SCHEMA_VERSION, open_engine
from accelerator.embedded.migrations import LISTING_INDEXES
from accelerator.embedded.rebuild import _helpers as helpers_for
from accelerator.embedded.rebuild import rebuild
from accelerator.embedded.runtime import EmbeddedRuntime
from services.kernel import VirtualClock
from tests import builders as b
from tests.conftest import DemoRun
from tests.embedded.test_runtime import accelerate_parkly


@pytest.fixture(autouse=True, params=["in this process", "by helpers"])
def folded(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "by helpers":
        monkeypatch.setattr(rebuilding, "_helpers", lambda _head: 2)
        monkeypatch.setattr(rebuilding, "PIECE", 2)
    return str(request.param)


@pytest.fixture
def store(runtime: EmbeddedRuntime, clock: VirtualClock) -> Path:
    accelerate_parkly(runtime, clock)
    return Path(runtime.engine.url.database or "")


def sql(store: Path, statement: str, *params: object) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(store)) as connection, connection:
        return connection.execute(statement, params).fetchall()


def test_a_read_model_that_is_the_logs_is_left_as_it_is(store: Path) -> None:
    before = sql(store, "SELECT * FROM startup_view")
    report = rebuild(store, repair=True)
    assert report.matches and (report.startups, report.challenges) == (1, 1)
    assert report.events == sql(store, "SELECT COUNT(*) FROM event_log")[0][0]
    assert sql(store, "SELECT * FROM startup_view") == before


def test_a_changed_view_is_named_with_its_field_and_put_back(store: Path, runtime: EmbeddedRuntime) -> None:
    (good,) = runtime.startups()
    sql(store, "UPDATE startup_view SET view = json_set(view, '$.phase', 'withdrawn')")
    report = queries.rebuild(runtime)
    assert report.different == 1
    why = "phase: log 'in accelerator', read model 'withdrawn'"
    assert report.differences == [f"startup {b.PARKLY}: differs from the replayed log ({why})"]
    assert not rebuild(store, repair=True).matches
    assert runtime.startups() == [good] and rebuild(store).matches


def test_a_view_the_log_never_made_is_named_and_removed(store: Path) -> None:
    sql(store, "INSERT INTO startup_view SELECT 'st-ghost', company_name, challenge_id, city_id, phase, "
               "json_set(view, '$.startup_id', 'st-ghost') FROM startup_view")  # fmt: skip
    report = rebuild(store, repair=True)
    assert report.differences == ["startup st-ghost: in the read model but not in the log"]
    assert sql(store, "SELECT startup_id FROM startup_view") == [(b.PARKLY,)]


def test_a_lost_read_model_is_replayed_and_the_projector_goes_on_from_the_head(store: Path) -> None:
    sql(store, "DELETE FROM startup_view")
    sql(store, "DELETE FROM challenge_view")
    sql(store, "UPDATE tracking SET position = 1 WHERE consumer = 'projector'")
    report = rebuild(store, repair=True)
    assert report.different == 2 and report.differences[0].endswith("missing from the read model")
    head = sql(store, "SELECT MAX(position) FROM event_log")[0][0]
    assert sql(store, "SELECT position FROM tracking WHERE consumer = 'projector'") == [(head,)]
    assert rebuild(store).matches


def test_a_view_written_another_way_but_equal_is_no_difference(store: Path) -> None:
    sql(store, "UPDATE startup_view SET view = json_set(view, '$.requested_budget', '10000.00')")
    assert rebuild(store).matches


def test_only_the_first_differences_are_named_the_rest_are_counted(store: Path) -> None:
    for n in range(queries.SHOWN + 5):
        sql(store, "INSERT INTO challenge_view VALUES (?, 'gent', (SELECT view FROM challenge_view LIMIT 1))",
            f"gent-ghost-{n:03d}")  # fmt: skip
    report = rebuild(store)
    assert report.different == queries.SHOWN + 5 and len(report.differences) == queries.SHOWN


def test_a_store_of_the_previous_version_gets_its_indexes(store: Path) -> None:
    for name in LISTING_INDEXES:
        sql(store, f"DROP INDEX {name}")
    sql(store, f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    assert rebuild(store).matches
    indexes = {row[0] for row in sql(store, "SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert set(LISTING_INDEXES) <= indexes
    assert sql(store, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    open_engine(store).dispose()  # and the runtime opens it as its own


def test_a_store_in_a_folder_whose_name_looks_like_a_uri_is_found(store: Path, tmp_path: Path) -> None:
    folder = tmp_path / "round #2 why?"
    folder.mkdir()
    with closing(sqlite3.connect(store)) as source, closing(sqlite3.connect(folder / "s.db")) as target:
        source.backup(target)
    sql(folder / "s.db", "DELETE FROM startup_view")
    assert rebuild(folder / "s.db", repair=True).different == 1
    assert rebuild(folder / "s.db").matches


def test_a_missing_store_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="does not exist"):
        rebuild(tmp_path / "nowhere.db")


def demo_store(demo: DemoRun, folder: Path) -> Path:
    """A copy of the finished demo's store with an empty read model."""
    folder.mkdir()
    copy = folder / "demo.db"
    original = Path(demo.runtime.engine.url.database or "")  # type: ignore[attr-defined]
    with closing(sqlite3.connect(original)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    sql(copy, "DELETE FROM startup_view")
    sql(copy, "DELETE FROM challenge_view")
    return copy


@pytest.mark.parametrize("piece", [1, 7, 60, 10_000])
def test_helpers_folding_pieces_of_any_size_give_the_views_this_process_gives(
    embedded_demo: DemoRun, tmp_path: Path, piece: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    here, helped = (
        demo_store(embedded_demo, tmp_path / "here"),
        demo_store(embedded_demo, tmp_path / "helped"),
    )
    alone = rebuild(here, repair=True, helpers=1)
    monkeypatch.setattr(rebuilding, "PIECE", piece)
    together = rebuild(helped, repair=True, helpers=2)
    original = Path(embedded_demo.runtime.engine.url.database or "")  # type: ignore[attr-defined]
    views = sql(original, "SELECT (SELECT COUNT(*) FROM startup_view), (SELECT COUNT(*) FROM challenge_view)")
    assert together == alone and [(alone.startups, alone.challenges)] == views
    assert alone.different == alone.startups + alone.challenges  # each missing, each written
    for table in ("startup_view", "challenge_view", "tracking"):
        assert sql(helped, f"SELECT * FROM {table} ORDER BY 1") == sql(
            here, f"SELECT * FROM {table} ORDER BY 1"
        )
    assert rebuild(helped, helpers=2).matches


def test_an_event_nobody_can_read_is_counted_by_the_helpers_too(store: Path) -> None:
    sql(store, "UPDATE event_log SET envelope = '{\"type\": 1}' WHERE position = 2")
    report = rebuild(store, helpers=2)
    assert report.unreadable == 1 and report.events == sql(store, "SELECT COUNT(*) FROM event_log")[0][0]


def test_a_long_log_is_folded_here_in_a_process_with_a_thread_of_its_own_or_if_short() -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait)  # a web server's, say
    other.start()
    try:
        assert helpers_for(10 * rebuilding.HELPED_FROM) == 1
    finally:
        release.set()
        other.join()
    assert helpers_for(rebuilding.HELPED_FROM - 1) == 1
