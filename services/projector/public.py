"""The public challenge pages' data: open (and upcoming) challenges with their framing, as JSON
and as a DCAT-AP dataset description a city can put on its open data portal.

For anyone, without login: built from the challenge views, which hold no personal data, and
showing only what a city publishes (framing, window, amendments, answers) — never ideas,
questions as asked, or applicants. The web app calls `public_challenges(runtime.challenges())`
and `challenge_page(...)`; `accelerator challenge export --format json|dcat` writes the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from pydantic import BaseModel

from events.framing import Criterion, Eligibility, Offer, TimelineEntry
from services.projector.challenges import ChallengeView

LISTED = ("scheduled", "open")
"""Challenges on the public pages: upcoming ones and those whose call is open."""


class PublicAmendment(BaseModel):
    on: date
    note: str
    changed: list[str]


class PublicAnswer(BaseModel):
    question: str
    answer: str
    published_on: date


class PublicChallenge(BaseModel):
    """What a challenge page shows: a city's own publication, nothing about applicants."""

    challenge_id: str
    city_id: str
    domain: str
    title: str
    description: str
    context: str
    solution_types: list[str]
    goals: list[str]
    offer: Offer
    eligibility: Eligibility
    criteria: list[Criterion]
    """Empty: the programme's default criteria."""
    timeline: list[TimelineEntry]
    questions_to: str | None
    tracks: list[str]
    opens_on: date
    closes_on: date
    status: str
    published_at: datetime | None
    updated_at: datetime | None
    amendments: list[PublicAmendment]
    answers: list[PublicAnswer]


def challenge_page(view: ChallengeView) -> PublicChallenge:
    """One challenge as the public sees it."""
    return PublicChallenge(
        **view.model_dump(exclude={"amendments", "answers", "ideas", "questions"}),
        amendments=[PublicAmendment(on=a.at.date(), note=a.note, changed=a.changed) for a in view.amendments],
        answers=[
            PublicAnswer(question=a.question, answer=a.answer, published_on=a.at.date()) for a in view.answers
        ],
    )


def public_challenges(views: Iterable[ChallengeView], city: str | None = None) -> list[PublicChallenge]:
    """The challenges on the public pages (upcoming and open), by closing day."""
    listed = [v for v in views if v.status in LISTED and city in (None, v.city_id)]
    return [challenge_page(v) for v in sorted(listed, key=lambda v: (v.closes_on, v.challenge_id))]


class PublicExport(BaseModel):
    generated_at: datetime
    challenges: list[PublicChallenge]


def as_json(challenges: list[PublicChallenge], generated_at: datetime) -> str:
    return PublicExport(generated_at=generated_at, challenges=challenges).model_dump_json(indent=2)
