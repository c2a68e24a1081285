"""Long work shows its progress: a bar on stderr with events done, events/s and time left.

Used by `rebuild`, replay, `bench generate` and the Kafka catch-up wait. The bar appears
only on a terminal (piped output and the benchmarks' child processes get nothing, and do
not even import rich for it); `Advance` is what the work calls: `advance(events)`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

REDRAW_SECONDS = 0.1
"""How often the bar is drawn again while the work goes on."""


class Advance(Protocol):
    """Called with the number of events just done (and, once known, how many there are)."""

    def __call__(self, done: int, total: int | None = None) -> None: ...


def silent(done: int, total: int | None = None) -> None:
    """The progress of work nobody watches."""


@contextmanager
def events_bar(description: str, total: int | None, show: bool | None = None) -> Iterator[Advance]:
    """A progress bar of `total` events (None: unknown), shown if stderr is a terminal."""
    if not (sys.stderr.isatty() if show is None else show):
        yield silent
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("events"),
        _rate_column(),
        TimeRemainingColumn(),
    )
    # Redrawn by the work itself, not by rich's refresh thread: a process with a thread of its
    # own may not fork helpers (accelerator/embedded/rebuild.py), and a rebuild at a terminal does.
    with Progress(*columns, console=Console(stderr=True), transient=False, auto_refresh=False) as bar:
        task = bar.add_task(description, total=total)
        drawn = time.monotonic()

        def advance(done: int, total: int | None = None) -> None:
            nonlocal drawn
            bar.update(task, advance=done, total=total if total is not None else bar.tasks[0].total)
            if time.monotonic() - drawn >= REDRAW_SECONDS:
                bar.refresh()
                drawn = time.monotonic()

        yield advance


def _rate_column() -> Any:
    from rich.progress import ProgressColumn, Task
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.0f} events/s" if speed else "- events/s", style="progress.data.speed")

    return Rate()
