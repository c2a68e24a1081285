"""Outcomes: what follows a completed pilot, so the funnel ends somewhere.

A city may buy the solution (a procurement: contract, value, procedure — challenge-based, as
Antwerp's Digipolis does), other cities may take it (a roll-out, which can grow), or the
programme records a stop. Rules: only after the startup's pilot is completed; each buyer city
awards once; a roll-out names cities not yet in it; a stop is final and only comes when
nothing else followed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from events.base import Event
from events.pilots import FollowUpStopped, ProcurementAwarded, RollOutAgreed
from services.kernel import Command, Context, Decider, Rejected, unhandled
from services.pilots.commands import RecordProcurement, RecordRollOut, StopFollowUp
from services.pilots.domain import PILOT, Pilot, PilotStatus


@dataclass(frozen=True)
class Outcome:
    buyers: frozenset[str] = frozenset()
    rolled_out_to: frozenset[str] = frozenset()
    stopped: bool = False


def evolve(state: Outcome, event: Event) -> Outcome:
    match event:
        case ProcurementAwarded():
            return replace(state, buyers=state.buyers | {event.buyer_city})
        case RollOutAgreed():
            return replace(state, rolled_out_to=state.rolled_out_to | set(event.cities))
        case FollowUpStopped():
            return replace(state, stopped=True)
    return state


def decide(state: Outcome, command: Command, context: Context) -> list[Event]:
    pilot = context.read(PILOT, command.aggregate_id())
    _after_a_completed_pilot(state, pilot, command.aggregate_id())
    match command:
        case RecordProcurement():
            return procure(state, command, pilot, context.today)
        case RecordRollOut():
            return roll_out(state, command, pilot)
        case StopFollowUp():
            return stop(state, command, pilot)
    unhandled(command)


def _after_a_completed_pilot(state: Outcome, pilot: Pilot, startup_id: str) -> None:
    if pilot.status is not PilotStatus.COMPLETED:
        raise Rejected(
            "startup_id", f"{startup_id}'s pilot is {pilot.status}; outcomes follow a completed one"
        )
    if state.stopped:
        raise Rejected("startup_id", f"{startup_id}'s follow-up was stopped")


def procure(state: Outcome, cmd: RecordProcurement, pilot: Pilot, day: date) -> list[Event]:
    if cmd.buyer_city in state.buyers:
        raise Rejected("buyer_city", f"{cmd.buyer_city} already awarded a contract to {cmd.startup_id}")
    if cmd.contract_value <= 0:
        raise Rejected("contract_value", "must be more than EUR 0")
    if cmd.awarded_on > day:
        raise Rejected("awarded_on", f"a contract is recorded once awarded (not before {cmd.awarded_on})")
    return [ProcurementAwarded(city_id=pilot.city_id, **cmd.model_dump())]


def roll_out(state: Outcome, cmd: RecordRollOut, pilot: Pilot) -> list[Event]:
    if not cmd.cities:
        raise Rejected("cities", "name at least one city the solution rolls out to")
    if known := sorted(set(cmd.cities) & state.rolled_out_to):
        raise Rejected("cities", f"already rolled out to {', '.join(known)}")
    return [
        RollOutAgreed(
            city_id=pilot.city_id,
            cities=tuple(dict.fromkeys(cmd.cities)),
            note=cmd.note,
            startup_id=cmd.startup_id,
        )
    ]


def stop(state: Outcome, cmd: StopFollowUp, pilot: Pilot) -> list[Event]:
    if state.buyers or state.rolled_out_to:
        raise Rejected("startup_id", f"{cmd.startup_id} already has a procurement or a roll-out")
    return [FollowUpStopped(city_id=pilot.city_id, **cmd.model_dump())]


OUTCOME = Decider("outcome", Outcome(), evolve, decide, (RecordProcurement, RecordRollOut, StopFollowUp))
