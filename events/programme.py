"""Programme events: challenges, their calls, cohorts, and each startup's time in the accelerator."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import EmailStr, Field

from events.applications import Contact
from events.base import Event, Plain, Slug, StartupEvent, Text, Value
from events.framing import Criterion, Eligibility, Offer, TimelineEntry, Track


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
    """A challenge framed in public (v2: context, offer, eligibility, criteria, timeline)."""

    family = "programme"
    version = 2
    city_id: Slug
    domain: ChallengeDomain
    title: Text
    description: Plain = ""
    context: Plain = ""
    solution_types: tuple[Text, ...] = ()
    goals: tuple[Text, ...] = ()
    offer: Offer = Offer()
    eligibility: Eligibility = Eligibility()
    criteria: tuple[Criterion, ...] = ()
    """Empty: the programme's default criteria (services/rules.py)."""
    timeline: tuple[TimelineEntry, ...] = ()
    questions_to: EmailStr | None = None
    """The programme's public mailbox for questions (not a person's own address)."""
    tracks: tuple[Track, ...] = (Track.ACCELERATOR,)
    opens_on: date
    closes_on: date


class ChallengeAmended(ChallengeEvent):
    """A published challenge changed; applicants see the note. Fields left None are unchanged."""

    family = "programme"
    city_id: Slug
    note: Text
    title: Text | None = None
    description: Plain | None = None
    context: Plain | None = None
    solution_types: tuple[Text, ...] | None = None
    goals: tuple[Text, ...] | None = None
    offer: Offer | None = None
    eligibility: Eligibility | None = None
    criteria: tuple[Criterion, ...] | None = None
    timeline: tuple[TimelineEntry, ...] | None = None
    questions_to: EmailStr | None = None
    closes_on: date | None = None


class QuestionAsked(ChallengeEvent):
    """Someone interested asked about a challenge during its call."""

    family = "programme"
    private = frozenset({"asked_by"})
    city_id: Slug
    question_id: Slug
    question: Text
    asked_by: Contact | None = None


class AnswerPublished(ChallengeEvent):
    """The programme's answer, published to every applicant of the challenge (and its city)."""

    family = "programme"
    city_id: Slug
    question_id: Slug | None = None
    """None: a clarification nobody asked for."""
    question: Text
    """As published: the programme may reword it (and leave out who asked)."""
    answer: Text


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
