"""Long work shows its progress on a terminal: events done, events/s, time left; drawn by the
work itself, so the process has no thread of its own (a rebuild forks its helpers)."""

from __future__ import annotations

import threading

import pytest

from accelerator import progress
from accelerator.progress import events_bar


def test_the_bar_shows_events_done_and_their_rate_and_starts_no_thread(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "REDRAW_SECONDS", 0)
    before = set(threading.enumerate())
    with events_bar("replaying the log", None, show=True) as advance:
        advance(0, total=1_000)
        for _ in range(10):
            advance(100)
            assert set(threading.enumerate()) <= before  # none of its own (others may end)
    drawn = capsys.readouterr().err
    assert "replaying the log" in drawn and "1000/1000" in drawn and "events/s" in drawn


def test_nothing_is_drawn_where_nobody_watches(capsys: pytest.CaptureFixture[str]) -> None:
    with events_bar("replaying the log", 10, show=False) as advance:
        advance(10)
    assert capsys.readouterr().err == ""
