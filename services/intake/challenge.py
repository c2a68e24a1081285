"""A challenge as one aggregate: its framing, its call window, its questions and its ideas.

The CHALLENGE decider takes every command about a challenge (services/intake/framing.py:
publish, amend, open, close; services/intake/open_call.py: questions, answers, ideas), so
its one stream orders them all: an amendment and a question, an idea and the call closing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from events.applications import ApplicantKind
from events.base import Event
from events.framing import Criterion, Eligibility, Track
from events.ideas import IdeaInvited, IdeaShortlisted, IdeaSubmitted
from events.programme import (
    AnswerPublished,
    CallClosed,
    CallOpened,
    ChallengeAmended,
    ChallengePublished,
    QuestionAsked,
)


class CallStatus(StrEnum):
    UNPUBLISHED = "unpublished"
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


class IdeaStatus(StrEnum):
    SUBMITTED = "submitted"
    SHORTLISTED = "shortlisted"
    INVITED = "invited"


@dataclass(frozen=True)
class Idea:
    status: IdeaStatus
    email: str
    """The author's (or team lead's) address: only an invited author applies with it."""
    apply_by: date | None = None


OPEN_TO_ALL = Eligibility()


@dataclass(frozen=True)
class Challenge:
    challenge_id: str = ""
    city_id: str = ""
    status: CallStatus = CallStatus.UNPUBLISHED
    opens_on: date = date.min
    closes_on: date = date.min
    criteria: tuple[Criterion, ...] = ()
    eligibility: Eligibility = OPEN_TO_ALL
    budget_cap: Decimal | None = None
    tracks: tuple[Track, ...] = (Track.ACCELERATOR,)
    opened: bool = False
    """The call has opened once: applicants answer the published criteria, which stay."""
    questions: Mapping[str, str] = field(default_factory=dict)
    answered: frozenset[str] = frozenset()
    ideas: Mapping[str, Idea] = field(default_factory=dict)

    def accepts_applications_on(self, day: date) -> bool:
        return self.status is CallStatus.OPEN and self.opens_on <= day <= self.closes_on

    def closed_on(self, day: date) -> bool:
        return self.status is CallStatus.CLOSED or day > self.closes_on

    def weights(self, defaults: Mapping[str, Decimal]) -> Mapping[str, Decimal]:
        """The criteria reviewers score on, with weights as fractions: the published ones, or
        the programme's defaults for a challenge published without criteria."""
        if not self.criteria:
            return defaults
        return {c.key: Decimal(c.weight_percent) / 100 for c in self.criteria}

    def allows(self, kind: ApplicantKind) -> bool:
        return kind in self.eligibility.kinds


def evolve(state: Challenge, event: Event) -> Challenge:
    match event:
        case ChallengePublished():
            return Challenge(
                event.challenge_id,
                event.city_id,
                CallStatus.SCHEDULED,
                event.opens_on,
                event.closes_on,
                event.criteria,
                event.eligibility,
                event.offer.budget_cap,
                event.tracks,
            )
        case ChallengeAmended():
            return amended(state, event)
        case CallOpened():
            return replace(state, status=CallStatus.OPEN, opened=True)
        case CallClosed():
            return replace(state, status=CallStatus.CLOSED)
        case QuestionAsked():
            return replace(state, questions={**state.questions, event.question_id: event.question})
        case AnswerPublished() if event.question_id:
            return replace(state, answered=state.answered | {event.question_id})
        case IdeaSubmitted():
            idea = Idea(IdeaStatus.SUBMITTED, event.contact.email.casefold())
            return replace(state, ideas={**state.ideas, event.idea_id: idea})
        case IdeaShortlisted():
            return _idea(state, event.idea_id, status=IdeaStatus.SHORTLISTED)
        case IdeaInvited():
            return _idea(state, event.idea_id, status=IdeaStatus.INVITED, apply_by=event.apply_by)
    return state


def amended(state: Challenge, event: ChallengeAmended) -> Challenge:
    changes: dict[str, object] = {}
    if event.closes_on is not None:
        changes["closes_on"] = event.closes_on
    if event.criteria is not None:
        changes["criteria"] = event.criteria
    if event.eligibility is not None:
        changes["eligibility"] = event.eligibility
    if event.offer is not None:
        changes["budget_cap"] = event.offer.budget_cap
    return replace(state, **changes)  # type: ignore[arg-type]


def _idea(state: Challenge, idea_id: str, **changes: object) -> Challenge:
    idea = replace(state.ideas[idea_id], **changes)  # type: ignore[arg-type]
    return replace(state, ideas={**state.ideas, idea_id: idea})
