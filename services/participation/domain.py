"""A startup's participation in the six-month accelerator: its milestone plan and expert sessions.

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
    ExpertSessionLogged,
    ParticipationTerminated,
    PlannedMilestone,
)
from services.intake.domain import APPLICATION, Application
from services.kernel import Command, Context, Decider, Rejected, unhandled
from services.participation.commands import (
    ApproveMilestone,
    CompleteAccelerator,
    LogExpertSession,
    MarkMilestoneOverdue,
    PlanMilestone,
    SendBackMilestone,
    StartAccelerator,
    SubmitDeliverable,
    TerminateParticipation,
)
from services.rules import ProgrammeRules


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


def decide(state: Participation, command: Command, context: Context) -> list[Event]:
    match command:
        case StartAccelerator():
            application = context.read(APPLICATION, command.startup_id)
            return start(state, command, application, context.rules)
        case PlanMilestone():
            return plan(state, command)
        case SubmitDeliverable():
            return submit(state, command, context.today)
        case ApproveMilestone():
            return approve(state, command, context.actor)
        case SendBackMilestone():
            return send_back(state, command)
        case MarkMilestoneOverdue():
            return mark_overdue(state, command, context.today)
        case CompleteAccelerator():
            return complete(state, command, context.today)
        case TerminateParticipation():
            return terminate(state, command)
        case LogExpertSession():
            return log_session(state, command)
    unhandled(command)


def programme_end(starts_on: date, rules: ProgrammeRules) -> date:
    return starts_on + relativedelta(months=rules.programme_months)


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


def active(state: Participation, startup_id: str) -> None:
    if state.status is not Status.ACTIVE:
        raise Rejected("startup_id", f"{startup_id} is not in the accelerator ({state.status})")


def _milestone(state: Participation, startup_id: str, key: str) -> Milestone:
    active(state, startup_id)
    if key not in state.milestones:
        raise Rejected("key", f"no milestone {key!r} in the plan ({', '.join(state.milestones)})")
    return state.milestones[key]


def plan(state: Participation, cmd: PlanMilestone) -> list[Event]:
    active(state, cmd.startup_id)
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


def approve(state: Participation, cmd: ApproveMilestone, actor: str) -> list[Event]:
    milestone = _milestone(state, cmd.startup_id, cmd.key)
    if milestone.status is not MilestoneStatus.SUBMITTED:
        raise Rejected("key", f"milestone {cmd.key} has no deliverable waiting ({milestone.status})")
    return [
        MilestoneApproved(
            city_id=state.city_id,
            tranche_percent=milestone.tranche_percent,
            approved_by=actor,
            **cmd.model_dump(),
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
    active(state, cmd.startup_id)
    return [ParticipationTerminated(city_id=state.city_id, **cmd.model_dump())]


def log_session(state: Participation, cmd: LogExpertSession) -> list[Event]:
    active(state, cmd.startup_id)
    if not state.starts_on <= cmd.held_on <= state.ends_on:
        raise Rejected("held_on", f"must fall within {state.starts_on} to {state.ends_on}")
    session_id = f"{cmd.startup_id}/session/{state.sessions + 1}"
    return [ExpertSessionLogged(city_id=state.city_id, session_id=session_id, **cmd.model_dump())]


PARTICIPATION = Decider(
    "participation",
    Participation(),
    evolve,
    decide,
    (
        StartAccelerator,
        PlanMilestone,
        SubmitDeliverable,
        ApproveMilestone,
        SendBackMilestone,
        MarkMilestoneOverdue,
        CompleteAccelerator,
        TerminateParticipation,
        LogExpertSession,
    ),
)
