"""Programme events: challenges, their calls, cohorts, and each startup's time in the accelerator."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from events.base import Event, Plain, Slug, StartupEvent, Text, Value


class ChallengeDomain(StrEnum):
    MOBILITY = "mobility"
    SMART_ENERGY = "smart-energy"
    CLEANLINESS_ENVIRONMENT = "cleanliness-environment"
    CLIMATE_ADAPTATION = "climate-adaptation"
    DIGITAL_SERVICES = "digital-services"
    TOURISM_HERITAGE = "tourism-heritage"


class ChallengeEvent(Event):
    challenge_id: Slug

    @property
    def subject(self) -> str:
        return self.challenge_id


class ChallengePublished(ChallengeEvent):
    family = "programme"
    city_id: Slug
    domain: ChallengeDomain
    title: Text
    description: Plain = ""
    opens_on: date
    closes_on: date


class CallOpened(ChallengeEvent):
    family = "programme"
    city_id: Slug


class CallClosed(ChallengeEvent):
    family = "programme"
    city_id: Slug


class CohortStarted(Event):
    family = "programme"
    cohort_id: Slug
    starts_on: date
    ends_on: date
    startup_ids: tuple[str, ...]

    @property
    def subject(self) -> str:
        return self.cohort_id


class PlannedMilestone(Value):
    """One line of a milestone plan: what is due when, and the share of the grant it releases."""

    key: Slug
    title: Text
    due_on: date
    tranche_percent: int = Field(ge=0, le=100)


class AcceleratorStarted(StartupEvent):
    family = "programme"
    city_id: Slug
    cohort_id: Slug
    starts_on: date
    ends_on: date
    milestones: tuple[PlannedMilestone, ...]


class AcceleratorCompleted(StartupEvent):
    family = "programme"
    city_id: Slug
    ended_on: date


class ParticipationTerminated(StartupEvent):
    family = "programme"
    city_id: Slug
    reason: Text


class ExpertSessionLogged(StartupEvent):
    family = "programme"
    city_id: Slug
    session_id: str
    expert: Text
    topic: Text
    held_on: date
    hours: float = Field(gt=0, le=24)


class HardwareLent(StartupEvent):
    family = "programme"
    city_id: Slug
    item_id: Slug
    description: Text
    lent_on: date


class HardwareReturned(StartupEvent):
    family = "programme"
    city_id: Slug
    item_id: Slug
    returned_on: date
