"""The bounds beside the Kafka figures: the projector's fold alone is the projector's own fold
(it gives the views the runtime stored), and the bare echo answers every message, each in a
transaction of its own, as a service does."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from accelerator.bench import floor
from accelerator.bench.history import History, generate
from services.projector.views import StartupView

EVENTS = 2_000


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    return generate(tmp_path_factory.mktemp("history"), EVENTS, seed=11, show=False)


def stored_views(store: Path) -> dict[str, StartupView]:
    with sqlite3.connect(store) as connection:
        rows = connection.execute("SELECT startup_id, view FROM startup_view").fetchall()
    return {startup: StartupView.model_validate_json(view) for startup, view in rows}


def test_the_fold_alone_gives_the_views_the_runtime_stored(history: History) -> None:
    subjects = floor.folded(floor.first_envelopes(history.path, EVENTS))
    views = {key: s.startup for key, s in subjects.items() if s.startup is not None}
    assert len(views) == history.startups > 50
    assert views == stored_views(history.path)


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
    with pytest.raises(ValueError, match="mode: one of transaction, plain, not 'fast'"):
        floor.hop("10", "fast")
