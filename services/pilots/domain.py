"""Pilots: after a delivered proof of concept, a pilot with a city.

Rules: a pilot is proposed only once the PoC milestone is approved; it is approved, started
and completed in that order; it can be cancelled until completed, then proposed anew.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from events.base import Event
from events.pilots import PilotApproved, PilotCancelled, PilotCompleted, PilotProposed, PilotStarted
from services.kernel import Command, Context, Decider, Rejected, unhandled
from services.participation.domain import PARTICIPATION, MilestoneStatus, Participation
from services.pilots.commands import (
    ApprovePilot,
    CancelPilot,
    CompletePilot,
    ProposePilot,
    StartPilot,
)
from services.rules import ProgrammeRules


class PilotStatus(StrEnum):
    NONE = "none"
    PROPOSED = "proposed"
    APPROVED = "approved"
    STARTED = "started"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Pilot:
    city_id: str = ""
    status: PilotStatus = PilotStatus.NONE


def evolve(state: Pilot, event: Event) -> Pilot:
    match event:
        case PilotProposed():
            return Pilot(event.city_id, PilotStatus.PROPOSED)
        case PilotApproved():
            return replace(state, status=PilotStatus.APPROVED)
        case PilotStarted():
            return replace(state, status=PilotStatus.STARTED)
        case PilotCompleted():
            return replace(state, status=PilotStatus.COMPLETED)
        case PilotCancelled():
            return replace(state, status=PilotStatus.CANCELLED)
    return state


def decide(state: Pilot, command: Command, context: Context) -> list[Event]:
    match command:
        case ProposePilot():
            participation = context.read(PARTICIPATION, command.startup_id)
            return propose(state, command, participation, context.rules)
        case ApprovePilot():
            return approve(state, command)
        case StartPilot():
            return start(state, command, context.today)
        case CompletePilot():
            return complete(state, command, context.today)
        case CancelPilot():
            return cancel(state, command)
    unhandled(command)


def propose(
    state: Pilot, cmd: ProposePilot, participation: Participation, rules: ProgrammeRules
) -> list[Event]:
    poc = participation.milestones.get(rules.poc_milestone)
    if poc is None or poc.status is not MilestoneStatus.APPROVED:
        raise Rejected(
            "startup_id",
            f"{cmd.startup_id} has no delivered proof of concept "
            f"(milestone {rules.poc_milestone} not approved)",
        )
    if state.status not in (PilotStatus.NONE, PilotStatus.CANCELLED):
        raise Rejected("startup_id", f"{cmd.startup_id} already has a pilot ({state.status})")
    return [PilotProposed(city_id=participation.city_id, **cmd.model_dump())]


def _require(state: Pilot, startup_id: str, status: PilotStatus, action: str) -> None:
    if state.status is not status:
        raise Rejected(
            "startup_id",
            f"{startup_id}'s pilot is {state.status}; only a {status} one can be {action}",
        )


def approve(state: Pilot, cmd: ApprovePilot) -> list[Event]:
    _require(state, cmd.startup_id, PilotStatus.PROPOSED, "approved")
    return [PilotApproved(startup_id=cmd.startup_id, city_id=state.city_id)]


def start(state: Pilot, cmd: StartPilot, day: date) -> list[Event]:
    _require(state, cmd.startup_id, PilotStatus.APPROVED, "started")
    return [PilotStarted(startup_id=cmd.startup_id, city_id=state.city_id, started_on=day)]


def complete(state: Pilot, cmd: CompletePilot, day: date) -> list[Event]:
    _require(state, cmd.startup_id, PilotStatus.STARTED, "completed")
    return [PilotCompleted(city_id=state.city_id, completed_on=day, **cmd.model_dump())]


def cancel(state: Pilot, cmd: CancelPilot) -> list[Event]:
    live = (PilotStatus.PROPOSED, PilotStatus.APPROVED, PilotStatus.STARTED)
    if state.status not in live:
        raise Rejected("startup_id", f"{cmd.startup_id} has no pilot to cancel ({state.status})")
    return [PilotCancelled(city_id=state.city_id, **cmd.model_dump())]


PILOT = Decider(
    "pilot", Pilot(), evolve, decide, (ProposePilot, ApprovePilot, StartPilot, CompletePilot, CancelPilot)
)
