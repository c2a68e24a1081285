"""The synthetic history: made through the domain, the same for the same seed, cached, and a
store the runtime takes as its own (the read model is the log's, the next commands run)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from accelerator.bench.history import History, generate
from accelerator.bench.people import CITIES
from accelerator.bench.reads import Continuation
from accelerator.embedded.rebuild import rebuild

EVENTS = 3_000


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    return generate(tmp_path_factory.mktemp("history"), EVENTS, seed=7, show=False)


def log(path: Path) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT position, id, stream, version, envelope FROM event_log").fetchall()


def test_it_holds_the_events_asked_for_across_many_cities(history: History) -> None:
    assert history.events == EVENTS == len(log(history.path))
    with closing(sqlite3.connect(history.path)) as connection:
        cities = connection.execute("SELECT COUNT(DISTINCT city_id) FROM startup_view").fetchone()[0]
    assert history.cities == len(CITIES) >= 40
    assert cities >= 15, "the 48 cities start their first rounds over the first six months"
    assert history.startups > 300 and history.refusals > 0


def test_the_same_seed_gives_the_same_history(history: History, tmp_path: Path) -> None:
    again = generate(tmp_path, EVENTS, seed=7, show=False)
    assert log(again.path) == log(history.path)
    assert log(generate(tmp_path, EVENTS, seed=8, show=False).path) != log(history.path)


def test_a_second_run_reuses_the_file(history: History) -> None:
    written = history.path.stat().st_mtime_ns
    assert generate(history.path.parent, EVENTS, seed=7, show=False) == history
    assert history.path.stat().st_mtime_ns == written


def test_its_read_model_is_the_replay_of_its_log(history: History) -> None:
    report = rebuild(history.path)
    assert report.matches and report.startups == history.startups


def test_the_commands_it_would_go_on_with_run_on_the_runtime(history: History, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(history.path.read_bytes())
    run = Continuation(copy, history.path.with_suffix(".commands.json"))
    assert len(run.all()) == 300 and run.refused < 30
    run.close()
    assert rebuild(copy).matches


def test_the_eventsourcing_baseline_projects_the_same_startups(history: History, tmp_path: Path) -> None:
    """The peer's replay reads every event of today's catalogue (v2 applications included)
    into views that name the same companies in the same phases as ours."""
    import orjson

    from accelerator.bench import peers

    views = tmp_path / "views.db"
    assert peers.replay(peers.peer_log(history.path), views) == history.events
    with closing(sqlite3.connect(views)) as connection:
        theirs = {
            key: orjson.loads(state) for key, state in connection.execute("SELECT id, state FROM peer_view")
        }
    with closing(sqlite3.connect(history.path)) as connection:
        ours = {
            key: orjson.loads(view)
            for key, view in connection.execute("SELECT startup_id, view FROM startup_view")
        }
    assert ours and {key: (v["company_name"], v["phase"]) for key, v in ours.items()} == {
        key: (theirs[key]["company_name"], theirs[key]["phase"]) for key in ours
    }
