"""Cohorts: the startups that start their six months together.

Rule: only startups that accepted their offer join; a cohort starts once. Policy: a started
cohort starts the accelerator for each of its startups (`starts_accelerators`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from events.base import Event
from events.programme import CohortStarted
from services.kernel import Command, Context, Decider, Rejected, unhandled
from services.participation.commands import StartAccelerator, StartCohort
from services.participation.domain import programme_end
from services.rules import ProgrammeRules
from services.selection.domain import SELECTION, Selection


@dataclass(frozen=True)
class Cohort:
    startup_ids: tuple[str, ...] = ()


def evolve_cohort(state: Cohort, event: Event) -> Cohort:
    match event:
        case CohortStarted():
            return Cohort(event.startup_ids)
    return state


def decide_cohort(state: Cohort, command: Command, context: Context) -> list[Event]:
    match command:
        case StartCohort():
            selections = {s: context.read(SELECTION, s) for s in command.startup_ids}
            return start_cohort(state, command, selections, context.rules)
    unhandled(command)


COHORT = Decider("cohort", Cohort(), evolve_cohort, decide_cohort, (StartCohort,))


def start_cohort(
    state: Cohort, cmd: StartCohort, selections: Mapping[str, Selection], rules: ProgrammeRules
) -> list[Event]:
    if state.startup_ids:
        raise Rejected("cohort_id", f"cohort {cmd.cohort_id} has already started")
    for startup_id in cmd.startup_ids:
        if not selections[startup_id].offer_accepted:
            raise Rejected("startup_ids", f"{startup_id} has not accepted an offer")
    ends_on = programme_end(cmd.starts_on, rules)
    return [CohortStarted(ends_on=ends_on, **cmd.model_dump())]


def starts_accelerators(event: Event) -> list[Command]:
    """Policy: a started cohort starts the accelerator for each of its startups."""
    match event:
        case CohortStarted():
            return [
                StartAccelerator(startup_id=s, cohort_id=event.cohort_id, starts_on=event.starts_on)
                for s in event.startup_ids
            ]
    return []
