"""What the CLI reads: the read model, a startup's history, replays (as of a date, or all)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from accelerator.embedded.runtime import EmbeddedRuntime
from accelerator.embedded.store import DeadLetter
from events import CloudEvent, Event, parse
from services.kernel import Rejected, UnitOfWork
from services.projector import read_model
from services.projector.views import ChallengeView, Projection, StartupView
from services.scheduler.handlers import due_commands


def startups(runtime: EmbeddedRuntime, city: str | None = None) -> list[StartupView]:
    with Session(runtime.engine) as session:
        return read_model.startups(session, city)


def challenges(runtime: EmbeddedRuntime) -> list[ChallengeView]:
    with Session(runtime.engine) as session:
        return read_model.challenges(session)


def resolve(runtime: EmbeddedRuntime, ref: str) -> str:
    """A startup by its id, an id prefix, or its company name (case-insensitive)."""
    known = startups(runtime)
    for view in known:
        if view.startup_id == ref:
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


def history(runtime: EmbeddedRuntime, startup_id: str, until: datetime | None = None) -> list[CloudEvent]:
    return runtime.store.history(startup_id, until)


def as_of(runtime: EmbeddedRuntime, startup_id: str, until: datetime) -> StartupView | None:
    """The startup's view as it was at `until`, replayed from the log."""
    projection = Projection()
    for ce in history(runtime, startup_id, until):
        projection.apply(parse(ce), ce.time)
    return projection.startups.get(startup_id)


def replay(runtime: EmbeddedRuntime) -> Projection:
    projection = Projection()
    position = 0
    while batch := runtime.store.read_after(position, 5000):
        for position, ce in batch:  # noqa: B007 - the last position starts the next batch
            projection.apply(parse(ce), ce.time)
    return projection


@dataclass
class RebuildReport:
    events: int
    startups: int
    challenges: int
    differences: list[str] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return not self.differences


def rebuild(runtime: EmbeddedRuntime, repair: bool = False) -> RebuildReport:
    """Replay the whole log into fresh views and compare them with the stored read model."""
    runtime.catch_up()
    fresh = replay(runtime)
    with Session(runtime.engine) as session:
        stored = {v.startup_id: v for v in read_model.startups(session)}
        stored_challenges = {v.challenge_id: v for v in read_model.challenges(session)}
        report = RebuildReport(runtime.store.head(), len(fresh.startups), len(fresh.challenges))
        report.differences += _differences("startup", fresh.startups, stored)
        report.differences += _differences("challenge", fresh.challenges, stored_challenges)
        if repair and report.differences:
            session.exec(read_model.StartupRow.__table__.delete())  # type: ignore[attr-defined]
            session.exec(read_model.ChallengeRow.__table__.delete())  # type: ignore[attr-defined]
            read_model.save_startups(session, fresh.startups.values())
            read_model.save_challenges(session, fresh.challenges.values())
            session.commit()
    return report


def _differences(kind: str, fresh: Mapping[str, object], stored: Mapping[str, object]) -> list[str]:
    found = []
    for key in sorted(fresh.keys() | stored.keys()):
        if key not in stored:
            found.append(f"{kind} {key}: missing from the read model")
        elif key not in fresh:
            found.append(f"{kind} {key}: in the read model but not in the log")
        elif fresh[key] != stored[key]:
            found.append(f"{kind} {key}: differs from the replayed log")
    return found


def tick(runtime: EmbeddedRuntime) -> list[Event]:
    """One scheduler run: issue every command that is due today. Returns the events."""
    live_challenges = [c.challenge_id for c in challenges(runtime) if c.status != "closed"]
    active = [s.startup_id for s in startups(runtime) if s.phase == "in accelerator"]
    commands = due_commands(UnitOfWork(runtime.store, runtime.clock), live_challenges, active)
    return [event for command in commands for event in runtime.handle(command)]


def dead_letters(runtime: EmbeddedRuntime) -> list[DeadLetter]:
    with Session(runtime.engine) as session:
        return list(session.exec(select(DeadLetter).order_by(col(DeadLetter.id))))
