"""Pilots: after a delivered proof of concept, a pilot with a city.

Rules: a pilot is proposed only once the PoC milestone is approved; it is approved, started
and completed in that order; it can be cancelled until completed, then proposed anew.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from events.base import Event
from events.pilots import PilotApproved, PilotCancelled, PilotCompleted, PilotProposed, PilotStarted
from services.accelerator.domain import MilestoneStatus, Participation
from services.kernel import Aggregate, Rejected
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


_STATUS_AFTER: dict[type[Event], PilotStatus] = {
    PilotProposed: PilotStatus.PROPOSED,
    PilotApproved: PilotStatus.APPROVED,
    PilotStarted: PilotStatus.STARTED,
    PilotCompleted: PilotStatus.COMPLETED,
    PilotCancelled: PilotStatus.CANCELLED,
}


def evolve(state: Pilot, event: Event) -> Pilot:
    status = _STATUS_AFTER.get(type(event))
    return Pilot(event.city or state.city_id, status) if status else state


PILOT = Aggregate("pilot", Pilot(), evolve)


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
