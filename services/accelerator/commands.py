"""Commands of the accelerator service: cohorts, milestones, experts, hardware."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from events.base import Slug, Text
from services.kernel import Command


class StartCohort(Command):
    cohort_id: Slug
    starts_on: date
    startup_ids: tuple[str, ...] = Field(min_length=1)


class StartAccelerator(Command):
    startup_id: str
    cohort_id: Slug
    starts_on: date


class PlanMilestone(Command):
    startup_id: str
    key: Slug
    title: Text
    due_on: date
    tranche_percent: int = Field(ge=0, le=100)


class SubmitDeliverable(Command):
    startup_id: str
    key: Slug
    deliverable: Text


class ApproveMilestone(Command):
    startup_id: str
    key: Slug


class SendBackMilestone(Command):
    startup_id: str
    key: Slug
    reason: Text


class MarkMilestoneOverdue(Command):
    startup_id: str
    key: Slug


class CompleteAccelerator(Command):
    startup_id: str


class TerminateParticipation(Command):
    startup_id: str
    reason: Text


class LogExpertSession(Command):
    startup_id: str
    expert: Text
    topic: Text
    held_on: date
    hours: float = Field(gt=0, le=24)


class LendHardware(Command):
    item_id: Slug
    startup_id: str
    description: Text


class ReturnHardware(Command):
    item_id: Slug
