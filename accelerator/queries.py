"""Questions asked of any runtime: which startup is meant, a past state, does a replay match."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel

from accelerator.runtime import Runtime
from events import parse
from services.kernel import Rejected
from services.projector.views import Projection, StartupView


def resolve(runtime: Runtime, ref: str) -> str:
    """A startup by its id, an id prefix, or its company name (case-insensitive)."""
    known = runtime.startups()
    if any(view.startup_id == ref for view in known):
        return ref
    matches = {
        v.startup_id
        for v in known
        if v.startup_id.startswith(ref) or v.company_name.casefold() == ref.casefold()
    }
    if len(matches) == 1:
        return matches.pop()
    if matches:
        raise Rejected("startup", f"{ref!r} matches several startups: {', '.join(sorted(matches))}")
    raise Rejected("startup", f"no startup {ref!r} (see `accelerator startups`)")


def as_of(runtime: Runtime, startup_id: str, until: datetime) -> StartupView | None:
    """The startup's view as it was at `until`, replayed from the log."""
    projection = Projection()
    for ce in runtime.history(startup_id, until):
        projection.apply(parse(ce), ce.time)
    return projection.startups.get(startup_id)


@dataclass
class RebuildReport:
    startups: int
    challenges: int
    differences: list[str] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return not self.differences


def rebuild(runtime: Runtime, repair: bool = False) -> RebuildReport:
    """Replay the whole log into fresh views and compare them with the read model."""
    fresh = runtime.replay()
    stored = {v.startup_id: v for v in runtime.startups()}
    stored_challenges = {v.challenge_id: v for v in runtime.challenges()}
    report = RebuildReport(len(fresh.startups), len(fresh.challenges))
    report.differences += _differences("startup", fresh.startups, stored)
    report.differences += _differences("challenge", fresh.challenges, stored_challenges)
    if repair and report.differences:
        runtime.repair(fresh)
    return report


def _differences(kind: str, fresh: Mapping[str, object], stored: Mapping[str, object]) -> list[str]:
    found = []
    for key in sorted(fresh.keys() | stored.keys()):
        if key not in stored:
            found.append(f"{kind} {key}: missing from the read model")
        elif key not in fresh:
            found.append(f"{kind} {key}: in the read model but not in the log")
        elif fresh[key] != stored[key]:
            found.append(f"{kind} {key}: differs from the replayed log ({_fields(fresh[key], stored[key])})")
    return found


def _fields(fresh: object, stored: object) -> str:
    """Which fields differ, with the replayed and the stored value."""
    if not (isinstance(fresh, BaseModel) and isinstance(stored, BaseModel)):
        return "values differ"
    a, b = fresh.model_dump(mode="json"), stored.model_dump(mode="json")
    return "; ".join(f"{k}: log {a[k]!r}, read model {b.get(k)!r}" for k in a if a[k] != b.get(k))
