"""Deadlines as a pure function of (state, day): which aggregates the scheduler watches, and
which commands are due.

The scheduler (apscheduler, or the demo's virtual clock) only says what day it is; every
command returned here is idempotent in its service, so a tick repeated changes nothing. Both
runtimes ask `due_commands` — the embedded one for every watched aggregate in its log, a
Kafka service worker for those whose commands land on the partition it owns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Generic, TypeVar

from services.intake.commands import CloseCall, OpenCall
from services.intake.domain import CHALLENGE, CallStatus, Challenge
from services.kernel import Command, Decider
from services.participation.commands import CompleteAccelerator, MarkMilestoneOverdue
from services.participation.domain import PARTICIPATION, MilestoneStatus, Participation, Status

S = TypeVar("S")

AWAITING_STARTUP = (MilestoneStatus.PLANNED, MilestoneStatus.SENT_BACK)
"""A submitted deliverable waits on the programme, not the startup: it is not overdue."""


def call_commands(challenge: Challenge, day: date) -> list[Command]:
    """A scheduled call opens on its first day; an open call closes after its last."""
    if challenge.status is CallStatus.SCHEDULED and challenge.opens_on <= day <= challenge.closes_on:
        return [OpenCall(challenge_id=challenge.challenge_id)]
    if challenge.status is CallStatus.OPEN and day > challenge.closes_on:
        return [CloseCall(challenge_id=challenge.challenge_id)]
    return []


def next_call_day(challenge: Challenge, day: date) -> date | None:
    """The first day from `day` on which `call_commands` has a command, the call unchanged."""
    if challenge.status is CallStatus.SCHEDULED:
        first = max(day, challenge.opens_on)
        return first if first <= challenge.closes_on else None
    if challenge.status is CallStatus.OPEN:
        return _later(day, _after(challenge.closes_on))
    return None


def deadline_commands(participation: Participation, day: date) -> list[Command]:
    """Milestones past due and not approved become overdue; at month six the programme ends."""
    if participation.status is not Status.ACTIVE:
        return []
    startup = participation.startup_id
    commands: list[Command] = [
        MarkMilestoneOverdue(startup_id=startup, key=m.key)
        for m in participation.milestones.values()
        if day > m.due_on and not m.overdue and m.status in AWAITING_STARTUP
    ]
    if day >= participation.ends_on:
        commands.append(CompleteAccelerator(startup_id=startup))
    return commands


def next_deadline_day(participation: Participation, day: date) -> date | None:
    """The first day from `day` on which `deadline_commands` has a command, the state unchanged."""
    if participation.status is not Status.ACTIVE:
        return None
    overdue_from = [
        _after(m.due_on)
        for m in participation.milestones.values()
        if not m.overdue and m.status in AWAITING_STARTUP
    ]
    return _later(day, min(d for d in (*overdue_from, participation.ends_on) if d is not None))


def _after(day: date) -> date | None:
    return day + timedelta(days=1) if day < date.max else None


def _later(day: date, due: date | None) -> date | None:
    return None if due is None else max(day, due)


@dataclass(frozen=True)
class Deadlines(Generic[S]):
    """An aggregate with deadlines: its decider, what is due for a state on a day, and the
    first day from a given one on which anything is (None: never, unless the state changes)."""

    decider: Decider[S]
    due: Callable[[S, date], list[Command]]
    next_day: Callable[[S, date], date | None]


WATCHED: tuple[Deadlines[Any], ...] = (
    Deadlines(CHALLENGE, call_commands, next_call_day),
    Deadlines(PARTICIPATION, deadline_commands, next_deadline_day),
)


Read = Callable[[Decider[Any], str], Any]
Candidates = Callable[[Decider[Any]], Iterable[str]]


def watched(read: Read, candidates: Candidates) -> Iterator[tuple[Deadlines[Any], Any]]:
    """Each watched aggregate among the candidates, with its state."""
    for watch in WATCHED:
        for aggregate_id in candidates(watch.decider):
            yield watch, read(watch.decider, aggregate_id)


def due_commands(read: Read, candidates: Candidates, day: date) -> list[Command]:
    """Every command due on `day` for the watched aggregates among the candidates."""
    return [command for watch, state in watched(read, candidates) for command in watch.due(state, day)]


def next_due_day(read: Read, candidates: Candidates, day: date) -> date | None:
    """The first day from `day` on which `due_commands` has anything for these candidates, as
    long as none of their states changes; None if never."""
    days = (watch.next_day(state, day) for watch, state in watched(read, candidates))
    return min((found for found in days if found is not None), default=None)
