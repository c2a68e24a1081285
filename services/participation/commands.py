"""Commands of the participation service: cohorts, milestones, experts, hardware."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from events.base import Slug, Text
from services.kernel import Command, StartupCommand


class StartCohort(Command):
    cohort_id: Slug
    starts_on: date
    startup_ids: tuple[str, ...] = Field(min_length=1)

    def aggregate_id(self) -> str:
        return self.cohort_id


class StartAccelerator(StartupCommand):
    cohort_id: Slug
    starts_on: date


class PlanMilestone(StartupCommand):
    key: Slug
    title: Text
    due_on: date
    tranche_percent: int = Field(ge=0, le=100)


class SubmitDeliverable(StartupCommand):
    key: Slug
    deliverable: Text


class ApproveMilestone(StartupCommand):
    key: Slug


class SendBackMilestone(StartupCommand):
    key: Slug
    reason: Text


class MarkMilestoneOverdue(StartupCommand):
    key: Slug


class CompleteAccelerator(StartupCommand):
    pass


class TerminateParticipation(StartupCommand):
    reason: Text


class LogExpertSession(StartupCommand):
    expert: Text
    topic: Text
    held_on: date
    hours: float = Field(gt=0, le=24)


class HardwareCommand(Command):
    """Hardware is lent item by item: the item's stream is the one writer of its loans."""

    item_id: Slug

    def aggregate_id(self) -> str:
        return self.item_id


class LendHardware(HardwareCommand):
    startup_id: str
    description: Text


class ReturnHardware(HardwareCommand):
    pass
