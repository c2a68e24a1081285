"""The bounds beside the Kafka figures: the projector's fold alone is the projector's own fold
(it gives the views the runtime stored), and the bare echo answers every message, each in a
transaction of its own, as a service does."""

from __future__ import annotations

import gc
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from accelerator.bench import floor
from accelerator.bench.arguments import Refused
from accelerator.bench.history import History, generate
from services.projector.views import StartupView

EVENTS = 2_000


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    return generate(tmp_path_factory.mktemp("history"), EVENTS, seed=11, show=False)


def stored_views(store: Path) -> dict[str, StartupView]:
    with closing(sqlite3.connect(store)) as connection:
        rows = connection.execute("SELECT startup_id, view FROM startup_view").fetchall()
    return {startup: StartupView.model_validate_json(view) for startup, view in rows}


def test_the_fold_alone_gives_the_views_the_runtime_stored(history: History) -> None:
    subjects = floor.folded(floor.first_envelopes(history.path, EVENTS))
    views = {key: s.startup for key, s in subjects.items() if s.startup is not None}
    assert len(views) == history.startups > 50
    assert views == stored_views(history.path)


@pytest.fixture
def collector() -> Iterator[None]:
    """The fold figure tunes the garbage collector for the rest of its process, as a worker
    does: the benchmark runs it in a process of its own, a test in the session's, which the
    tests after it share (with the collector frozen and seldom run, the store of a CLI test
    was closed at no set time: tests/cli/test_store_option.py)."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("collector")
def test_the_fold_figure_counts_what_it_folded(history: History) -> None:
    seconds, count, extra = floor.fold(str(history.path), "500")
    assert count == 500 and seconds > 0
    assert extra["subjects"] == len(floor.folded(floor.first_envelopes(history.path, 500)))


@pytest.mark.kafka
@pytest.mark.parametrize("mode", floor.MODES)
def test_the_echo_answers_every_message_and_commits_its_offsets(
    monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    monkeypatch.setattr(floor, "SECONDS", 2)
    monkeypatch.setattr(floor, "SEQUENTIAL", 5)
    seconds, count, extra = floor.hop("10", mode)
    assert (seconds, count, extra["unanswered"]) == (2, 20, 0)
    assert 0 < extra["reply_p50_ms"] <= extra["reply_max_ms"]
    assert 0 < extra["sequential_p50_ms"] <= extra["sequential_max_ms"]
    assert extra["committed"] == 20 + 5, "the echo moved its group past every request it answered"


def test_an_unknown_echo_is_one_line() -> None:
    with pytest.raises(Refused, match="mode: one of transaction, plain, not 'fast'"):
        floor.hop("10", "fast")


RATE = "probe kafka-hop: rate: a whole number from 1 to 10,000, not "
EVENTS_RULE = "events: a whole number from 1 to 10,000,000, not "


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["kafka-hop", "2,50"], RATE + "'2,50'"),
        (["kafka-hop", "1e309"], RATE + "'1e309'"),
        (["kafka-hop", "[red]x\x1b]0;p"], RATE + "'[red]x\\x1b]0;p'"),
        (["kafka-fold", ".", "100"], "probe kafka-fold: store: not a file: '.'"),
        (["kafka-fold", "STORE", "-5"], "probe kafka-fold: " + EVENTS_RULE + "'-5'"),
        (["kafka-round-trip", "0"], "probe kafka-round-trip: rate: a whole number from 1 to 10,000, not '0'"),
        (["kafka-projector", "STORE", "1e309"], "probe kafka-projector: " + EVENTS_RULE + "'1e309'"),
        (["kafka-aiokafka", "/nowhere.db", "100"], "probe kafka-aiokafka: store: not a file: '/nowhere.db'"),
        (["kafka-nope"], "probe: no figure 'kafka-nope' (one of "),
    ],
)
def test_a_figure_given_bad_arguments_says_so_in_one_line(
    history: History, argv: list[str], line: str, tmp_path: Path
) -> None:
    argv = [str(history.path) if arg == "STORE" else arg for arg in argv]
    done = subprocess.run(
        [sys.executable, "-m", "accelerator.bench.probe", *argv], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode != 0
    assert done.stdout == ""
    assert done.stderr.startswith(line) and done.stderr.count("\n") == 1, done.stderr
    assert list(tmp_path.iterdir()) == [], "nothing written"
