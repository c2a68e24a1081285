"""Questions asked of any runtime: which startup is meant, a past state, does a replay match."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel

from accelerator.progress import Advance, silent
from accelerator.runtime import Runtime
from events import CloudEvent, parse
from services.kernel import Rejected
from services.projector.views import Projection, StartupView

SHOWN = 50
"""Differences a report names one by one; the rest are counted."""


def resolve(runtime: Runtime, ref: str) -> str:
    """A startup by its id, an id prefix, or its company name (case-insensitive)."""
    matches = runtime.find_startups(ref)
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise Rejected("startup", f"{ref!r} matches several startups: {', '.join(matches)}")
    raise Rejected("startup", f"no startup {ref!r} (see `accelerator startups`)")


def as_of(runtime: Runtime, startup_id: str, until: datetime) -> StartupView | None:
    """The startup's view as it was at `until`, replayed from its events."""
    return replayed(startup_id, runtime.history(startup_id, until))


def replayed(startup_id: str, history: Iterable[CloudEvent]) -> StartupView | None:
    """The startup's view folded from these events of its (none before it applied)."""
    projection = Projection()
    for ce in history:
        projection.apply(parse(ce), ce.time)
    return projection.startups.get(startup_id)


@dataclass
class RebuildReport:
    startups: int = 0
    challenges: int = 0
    events: int = 0
    differences: list[str] = field(default_factory=list)
    """The first `SHOWN` differences, in the order of their keys."""
    different: int = 0
    """How many views differ in all."""
    unreadable: int = 0
    """Events that no view took (the projector sent them to the dead letters too)."""

    @property
    def matches(self) -> bool:
        return not self.different

    def compare(self, kind: str, key: str, fresh: BaseModel | None, stored: BaseModel | None) -> None:
        """Record how a replayed view and a stored one differ, if they do."""
        if (fresh is None and stored is None) or fresh == stored:
            return
        if stored is None:
            self.missing(kind, key)
        elif fresh is None:
            self._differs(lambda: f"{kind} {key}: in the read model but not in the log")
        else:
            self._differs(lambda: f"{kind} {key}: differs from the replayed log ({_fields(fresh, stored)})")

    def missing(self, kind: str, key: str) -> None:
        """A replayed view the read model does not have."""
        self._differs(lambda: f"{kind} {key}: missing from the read model")

    def _differs(self, line: Callable[[], str]) -> None:
        self.different += 1
        if len(self.differences) < SHOWN:
            self.differences.append(line())


def rebuild(runtime: Runtime, repair: bool = False, advance: Advance = silent) -> RebuildReport:
    """Replay the whole log into fresh views and compare them with the read model (and, with
    `repair`, replace the views that differ)."""
    return runtime.rebuild(repair, advance)


def _fields(fresh: BaseModel, stored: BaseModel) -> str:
    """Which fields differ, with the replayed and the stored value."""
    a, b = fresh.model_dump(mode="json"), stored.model_dump(mode="json")
    return "; ".join(f"{k}: log {a[k]!r}, read model {b.get(k)!r}" for k in a if a[k] != b.get(k))
