"""The six-month accelerator: cohorts, each startup's milestone plan, experts, hardware.

Rules: only a startup in the accelerator plans, submits or gets milestones reviewed; a plan
never releases more than 100 % of the grant; deadlines are judged against a given day, so the
scheduler only has to say what day it is. Scheduler-driven commands are idempotent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

from dateutil.relativedelta import relativedelta

from events.base import Event
from events.milestones import (
    DeliverableSubmitted,
    MilestoneApproved,
    MilestoneOverdue,
    MilestonePlanned,
    MilestoneSentBack,
)
from events.programme import (
    AcceleratorCompleted,
    AcceleratorStarted,
    CohortStarted,
    ExpertSessionLogged,
    HardwareLent,
    HardwareReturned,
    ParticipationTerminated,
    PlannedMilestone,
)
from services.accelerator.commands import (
    ApproveMilestone,
    CompleteAccelerator,
    LendHardware,
    LogExpertSession,
    MarkMilestoneOverdue,
    PlanMilestone,
    ReturnHardware,
    SendBackMilestone,
    StartAccelerator,
    StartCohort,
    SubmitDeliverable,
    TerminateParticipation,
)
from services.intake.domain import Application
from services.kernel import Aggregate, Command, Rejected
from services.rules import ProgrammeRules
from services.selection.domain import Selection


class MilestoneStatus(StrEnum):
    PLANNED = "planned"
    SUBMITTED = "submitted"
    SENT_BACK = "sent back"
    APPROVED = "approved"


class Status(StrEnum):
    NOT_STARTED = "not started"
    ACTIVE = "active"
    COMPLETED = "completed"
    TERMINATED = "terminated"


@dataclass(frozen=True)
class Milestone:
    key: str
    title: str
    due_on: date
    tranche_percent: int
    status: MilestoneStatus = MilestoneStatus.PLANNED
    overdue: bool = False


@dataclass(frozen=True)
class Participation:
    startup_id: str = ""
    city_id: str = ""
    status: Status = Status.NOT_STARTED
    starts_on: date = date.min
    ends_on: date = date.min
    milestones: Mapping[str, Milestone] = field(default_factory=lambda: MappingProxyType({}))
    sessions: int = 0

    def with_milestone(self, milestone: Milestone) -> Participation:
        return replace(self, milestones={**self.milestones, milestone.key: milestone})


def evolve(state: Participation, event: Event) -> Participation:
    match event:
        case AcceleratorStarted():
            state = Participation(
                event.startup_id, event.city_id, Status.ACTIVE, event.starts_on, event.ends_on
            )
            for line in event.milestones:
                state = state.with_milestone(Milestone(**line.model_dump()))
            return state
        case MilestonePlanned():
            planned = Milestone(event.key, event.title, event.due_on, event.tranche_percent)
            return state.with_milestone(planned)
        case DeliverableSubmitted():
            return _set(state, event.key, status=MilestoneStatus.SUBMITTED)
        case MilestoneApproved():
            return _set(state, event.key, status=MilestoneStatus.APPROVED)
        case MilestoneSentBack():
            return _set(state, event.key, status=MilestoneStatus.SENT_BACK)
        case MilestoneOverdue():
            return _set(state, event.key, overdue=True)
        case ExpertSessionLogged():
            return replace(state, sessions=state.sessions + 1)
        case AcceleratorCompleted():
            return replace(state, status=Status.COMPLETED)
        case ParticipationTerminated():
            return replace(state, status=Status.TERMINATED)
    return state


def _set(state: Participation, key: str, **changes: object) -> Participation:
    return state.with_milestone(replace(state.milestones[key], **changes))  # type: ignore[arg-type]


PARTICIPATION = Aggregate("accelerator", Participation(), evolve)


@dataclass(frozen=True)
class Cohort:
    startup_ids: tuple[str, ...] = ()


def evolve_cohort(state: Cohort, event: Event) -> Cohort:
    return Cohort(event.startup_ids) if isinstance(event, CohortStarted) else state


COHORT = Aggregate("cohort", Cohort(), evolve_cohort)


def programme_end(starts_on: date, rules: ProgrammeRules) -> date:
    return starts_on + relativedelta(months=rules.programme_months)


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


def start(
    state: Participation, cmd: StartAccelerator, application: Application, rules: ProgrammeRules
) -> list[Event]:
    if state.status is not Status.NOT_STARTED:
        return []  # a policy may ask twice after a crash; the first start stands
    plan = tuple(
        PlannedMilestone(
            key=line.key,
            title=line.title,
            due_on=cmd.starts_on + timedelta(days=line.due_after_days),
            tranche_percent=line.tranche_percent,
        )
        for line in rules.plan
    )
    return [
        AcceleratorStarted(
            startup_id=cmd.startup_id,
            city_id=application.city_id,
            cohort_id=cmd.cohort_id,
            starts_on=cmd.starts_on,
            ends_on=programme_end(cmd.starts_on, rules),
            milestones=plan,
        )
    ]


def _active(state: Participation, startup_id: str) -> None:
    if state.status is not Status.ACTIVE:
        raise Rejected("startup_id", f"{startup_id} is not in the accelerator ({state.status})")


def _milestone(state: Participation, startup_id: str, key: str) -> Milestone:
    _active(state, startup_id)
    if key not in state.milestones:
        raise Rejected("key", f"no milestone {key!r} in the plan ({', '.join(state.milestones)})")
    return state.milestones[key]


def plan(state: Participation, cmd: PlanMilestone) -> list[Event]:
    _active(state, cmd.startup_id)
    if not state.starts_on <= cmd.due_on <= state.ends_on:
        raise Rejected("due_on", f"must fall within {state.starts_on} to {state.ends_on}")
    existing = state.milestones.get(cmd.key)
    if existing and existing.status is MilestoneStatus.APPROVED:
        raise Rejected("key", f"milestone {cmd.key} is already approved")
    others = sum(m.tranche_percent for k, m in state.milestones.items() if k != cmd.key)
    if others + cmd.tranche_percent > 100:
        raise Rejected(
            "tranche_percent",
            f"the plan would release {others + cmd.tranche_percent} % of the grant (at most 100 %)",
        )
    return [MilestonePlanned(city_id=state.city_id, **cmd.model_dump())]


def submit(state: Participation, cmd: SubmitDeliverable, day: date) -> list[Event]:
    milestone = _milestone(state, cmd.startup_id, cmd.key)
    if milestone.status is MilestoneStatus.APPROVED:
        raise Rejected("key", f"milestone {cmd.key} is already approved")
    late = day > milestone.due_on
    return [DeliverableSubmitted(city_id=state.city_id, late=late, **cmd.model_dump())]


def approve(state: Participation, cmd: ApproveMilestone) -> list[Event]:
    milestone = _milestone(state, cmd.startup_id, cmd.key)
    if milestone.status is not MilestoneStatus.SUBMITTED:
        raise Rejected("key", f"milestone {cmd.key} has no deliverable waiting ({milestone.status})")
    return [
        MilestoneApproved(
            city_id=state.city_id, tranche_percent=milestone.tranche_percent, **cmd.model_dump()
        )
    ]


def send_back(state: Participation, cmd: SendBackMilestone) -> list[Event]:
    milestone = _milestone(state, cmd.startup_id, cmd.key)
    if milestone.status is not MilestoneStatus.SUBMITTED:
        raise Rejected("key", f"milestone {cmd.key} has no deliverable waiting ({milestone.status})")
    return [MilestoneSentBack(city_id=state.city_id, **cmd.model_dump())]


def mark_overdue(state: Participation, cmd: MarkMilestoneOverdue, day: date) -> list[Event]:
    milestone = state.milestones.get(cmd.key)
    if state.status is not Status.ACTIVE or milestone is None or milestone.overdue:
        return []
    if milestone.status not in (MilestoneStatus.PLANNED, MilestoneStatus.SENT_BACK):
        return []  # the deliverable is in: any wait now is the programme's
    if day <= milestone.due_on:
        return []
    return [MilestoneOverdue(city_id=state.city_id, due_on=milestone.due_on, **cmd.model_dump())]


def complete(state: Participation, cmd: CompleteAccelerator, day: date) -> list[Event]:
    if state.status is not Status.ACTIVE or day < state.ends_on:
        return []
    return [AcceleratorCompleted(startup_id=cmd.startup_id, city_id=state.city_id, ended_on=day)]


def terminate(state: Participation, cmd: TerminateParticipation) -> list[Event]:
    _active(state, cmd.startup_id)
    return [ParticipationTerminated(city_id=state.city_id, **cmd.model_dump())]


def log_session(state: Participation, cmd: LogExpertSession) -> list[Event]:
    _active(state, cmd.startup_id)
    if not state.starts_on <= cmd.held_on <= state.ends_on:
        raise Rejected("held_on", f"must fall within {state.starts_on} to {state.ends_on}")
    session_id = f"{cmd.startup_id}/session/{state.sessions + 1}"
    return [ExpertSessionLogged(city_id=state.city_id, session_id=session_id, **cmd.model_dump())]


@dataclass(frozen=True)
class HardwareItem:
    lent_to: str | None = None
    lent_on: date | None = None


def evolve_item(state: HardwareItem, event: Event) -> HardwareItem:
    if isinstance(event, HardwareLent):
        return HardwareItem(event.startup_id, event.lent_on)
    if isinstance(event, HardwareReturned):
        return HardwareItem()
    return state


HARDWARE = Aggregate("hardware", HardwareItem(), evolve_item)


def lend(item: HardwareItem, cmd: LendHardware, borrower: Participation, day: date) -> list[Event]:
    if item.lent_to is not None:
        raise Rejected("item_id", f"{cmd.item_id} is on loan to {item.lent_to} since {item.lent_on}")
    _active(borrower, cmd.startup_id)
    return [HardwareLent(city_id=borrower.city_id, lent_on=day, **cmd.model_dump())]


def give_back(item: HardwareItem, cmd: ReturnHardware, borrower: Participation, day: date) -> list[Event]:
    if item.lent_to is None:
        raise Rejected("item_id", f"{cmd.item_id} is not on loan")
    return [
        HardwareReturned(
            startup_id=item.lent_to, city_id=borrower.city_id, item_id=cmd.item_id, returned_on=day
        )
    ]


def react(event: Event) -> list[Command]:
    """Policy: a started cohort starts the accelerator for each of its startups."""
    if isinstance(event, CohortStarted):
        return [
            StartAccelerator(startup_id=s, cohort_id=event.cohort_id, starts_on=event.starts_on)
            for s in event.startup_ids
        ]
    return []
