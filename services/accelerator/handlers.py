"""Accelerator handlers: load the participation (or cohort, or item), decide, save."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from events.base import Event
from services.accelerator import domain
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
from services.accelerator.domain import COHORT, HARDWARE, PARTICIPATION, Participation
from services.intake.domain import APPLICATION
from services.kernel import UnitOfWork
from services.rules import RULES
from services.selection.domain import SELECTION

C = TypeVar("C", PlanMilestone, ApproveMilestone, SendBackMilestone, TerminateParticipation, LogExpertSession)
D = TypeVar("D", SubmitDeliverable, MarkMilestoneOverdue, CompleteAccelerator)


def _on_participation(
    decide: Callable[[Participation, C], list[Event]],
) -> Callable[[C, UnitOfWork], list[Event]]:
    def handle(cmd: C, uow: UnitOfWork) -> list[Event]:
        state, version = uow.load(PARTICIPATION, cmd.startup_id)
        return uow.save(PARTICIPATION, cmd.startup_id, version, decide(state, cmd))

    return handle


def _on_participation_today(
    decide: Callable[[Participation, D, date], list[Event]],
) -> Callable[[D, UnitOfWork], list[Event]]:
    def handle(cmd: D, uow: UnitOfWork) -> list[Event]:
        state, version = uow.load(PARTICIPATION, cmd.startup_id)
        return uow.save(PARTICIPATION, cmd.startup_id, version, decide(state, cmd, uow.today()))

    return handle


plan_milestone = _on_participation(domain.plan)
approve_milestone = _on_participation(domain.approve)
send_back_milestone = _on_participation(domain.send_back)
terminate_participation = _on_participation(domain.terminate)
log_expert_session = _on_participation(domain.log_session)
submit_deliverable = _on_participation_today(domain.submit)
mark_milestone_overdue = _on_participation_today(domain.mark_overdue)
complete_accelerator = _on_participation_today(domain.complete)


def start_cohort(cmd: StartCohort, uow: UnitOfWork) -> list[Event]:
    cohort, version = uow.load(COHORT, cmd.cohort_id)
    selections = {s: uow.load(SELECTION, s)[0] for s in cmd.startup_ids}
    return uow.save(COHORT, cmd.cohort_id, version, domain.start_cohort(cohort, cmd, selections, RULES))


def start_accelerator(cmd: StartAccelerator, uow: UnitOfWork) -> list[Event]:
    application, _ = uow.load(APPLICATION, cmd.startup_id)
    state, version = uow.load(PARTICIPATION, cmd.startup_id)
    events = domain.start(state, cmd, application, RULES)
    return uow.save(PARTICIPATION, cmd.startup_id, version, events)


def lend_hardware(cmd: LendHardware, uow: UnitOfWork) -> list[Event]:
    item, version = uow.load(HARDWARE, cmd.item_id)
    borrower, _ = uow.load(PARTICIPATION, cmd.startup_id)
    events = domain.lend(item, cmd, borrower, uow.today())
    return uow.save(HARDWARE, cmd.item_id, version, events)


def return_hardware(cmd: ReturnHardware, uow: UnitOfWork) -> list[Event]:
    item, version = uow.load(HARDWARE, cmd.item_id)
    borrower, _ = uow.load(PARTICIPATION, item.lent_to or "")
    events = domain.give_back(item, cmd, borrower, uow.today())
    return uow.save(HARDWARE, cmd.item_id, version, events)
