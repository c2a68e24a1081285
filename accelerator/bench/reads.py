"""What the benchmark asks of a store: the CLI's reads, the live stream, the next commands."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from accelerator import queries
from accelerator.bootstrap import bootstrap, embedded
from accelerator.runtime import Runtime
from accelerator.settings import Settings
from services.kernel import PROGRAMME_TZ, Rejected, VirtualClock
from services.routing import COMMANDS

PAGE = 50


def _reader(store: Path) -> Runtime:
    return bootstrap(Settings(store=store), read_only=True)


def show(store: Path, ref: str) -> Callable[[], int]:
    """`accelerator show REF`: the name resolved, the startup's view, its history."""
    runtime = _reader(store)

    def ask() -> int:
        startup_id = queries.resolve(runtime, ref)
        assert runtime.startup(startup_id) is not None
        return len(runtime.history(startup_id))

    return ask


def show_as_of(store: Path, ref: str, day: str) -> Callable[[], int]:
    """`accelerator show REF --as-of DAY`: its history until then, replayed."""
    runtime = _reader(store)
    until = datetime.combine(date.fromisoformat(day) + timedelta(days=1), clock_time(0), PROGRAMME_TZ)

    def ask() -> int:
        startup_id = queries.resolve(runtime, ref)
        history = runtime.history(startup_id, until)
        assert queries.replayed(startup_id, history) is not None
        return len(history)

    return ask


def first_page(store: Path, city: str = "") -> Callable[[], int]:
    """`accelerator startups [--city CITY]`: the first page."""
    runtime = _reader(store)
    return lambda: len(runtime.startups(city or None, limit=PAGE))


QUESTIONS: dict[str, Callable[..., Callable[[], int]]] = {
    "show": show,
    "show-as-of": show_as_of,
    "first-page": first_page,
}


def watch(store: Path) -> int:
    """`accelerator watch --from-start` until it has shown the whole log: the events seen."""
    seen = 0
    for ce in _reader(store).follow((), True, 0):
        if ce is None:
            return seen
        seen += 1
    return seen


class Continuation:
    """The history's next commands (recorded by the generator), each at its own moment,
    through `runtime.handle`: decide, append, policies, projector, feeds."""

    def __init__(self, store: Path, given: Path) -> None:
        self.given: list[dict[str, Any]] = json.loads(given.read_text())
        first = datetime.fromisoformat(self.given[0]["at"])
        self.clock = VirtualClock(first)
        self.runtime = embedded(Settings(store=store), self.clock)
        self.refused = 0

    def all(self) -> list[float]:
        """Each command's seconds, from its `handle` to its outcome."""
        latencies = []
        for item in self.given:
            command = COMMANDS[item["type"]].model_validate(item["fields"])
            self.clock.set(max(self.clock.now(), datetime.fromisoformat(item["at"])))
            started = time.perf_counter()
            try:
                self.runtime.handle(command, item["actor"], item["id"])
            except Rejected:
                self.refused += 1
            latencies.append(time.perf_counter() - started)
        return latencies

    def close(self) -> None:
        self.runtime.close()
