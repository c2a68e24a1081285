"""The projected state of each challenge: its framing as amended, its call, its published
answers and (for the programme manager) its ideas. A pure fold of the challenge's stream.

No personal data is kept: questions are counted, not stored with who asked; an idea keeps
its public author name, never its contact or members.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from events import ideas as idea_events
from events import programme as pr
from events.base import Event
from events.framing import Criterion, Eligibility, Offer, TimelineEntry


class AmendmentView(BaseModel):
    at: datetime
    note: str
    changed: list[str]


class AnswerView(BaseModel):
    question_id: str | None
    question: str
    answer: str
    at: datetime


class IdeaView(BaseModel):
    idea_id: str
    title: str
    summary: str
    author_name: str
    kind: str
    country: str
    status: str = "submitted"
    note: str = ""
    apply_by: date | None = None


class ChallengeView(BaseModel):
    challenge_id: str
    city_id: str
    domain: str
    title: str
    opens_on: date
    closes_on: date
    status: str = "scheduled"
    description: str = ""
    context: str = ""
    solution_types: list[str] = Field(default_factory=list)
    goals: list[str] = Field(default_factory=list)
    offer: Offer = Field(default_factory=Offer)
    eligibility: Eligibility = Field(default_factory=Eligibility)
    criteria: list[Criterion] = Field(default_factory=list)
    timeline: list[TimelineEntry] = Field(default_factory=list)
    questions_to: str | None = None
    tracks: list[str] = Field(default_factory=lambda: ["accelerator"])
    published_at: datetime | None = None
    updated_at: datetime | None = None
    amendments: list[AmendmentView] = Field(default_factory=list)
    questions: int = 0
    answers: list[AnswerView] = Field(default_factory=list)
    ideas: dict[str, IdeaView] = Field(default_factory=dict)


FRAMING = frozenset(
    {
        "title",
        "description",
        "context",
        "solution_types",
        "goals",
        "offer",
        "eligibility",
        "criteria",
        "timeline",
        "questions_to",
        "closes_on",
    }
)
"""The parts of a challenge an amendment may change."""


def apply_to_challenge(event: Event, view: ChallengeView | None, time: datetime) -> ChallengeView | None:
    """One event of a challenge's stream onto its view (created by its publication)."""
    if isinstance(event, pr.ChallengePublished):
        return ChallengeView(**event.model_dump(mode="json"), published_at=time, updated_at=time)
    if view is None:
        return None
    if isinstance(event, pr.ChallengeAmended):
        view = amended(view, event, time)
    _apply(event, view, time)
    view.updated_at = time
    return view


def amended(view: ChallengeView, event: pr.ChallengeAmended, time: datetime) -> ChallengeView:
    """The view with the parts the amendment changed (validated as any view), and its note."""
    data = event.model_dump(mode="json")
    changed = {k: v for k, v in data.items() if k in FRAMING and v is not None}
    amendment = AmendmentView(at=time, note=event.note, changed=sorted(changed))
    current = view.model_dump(mode="json")
    return ChallengeView.model_validate(
        {**current, **changed, "amendments": [*current["amendments"], amendment]}
    )


def _apply(event: Event, view: ChallengeView, time: datetime) -> None:
    match event:
        case pr.CallOpened():
            view.status = "open"
        case pr.CallClosed():
            view.status = "closed"
        case pr.QuestionAsked():
            view.questions += 1
        case pr.AnswerPublished():
            view.answers.append(
                AnswerView(
                    question_id=event.question_id, question=event.question, answer=event.answer, at=time
                )
            )
        case idea_events.IdeaSubmitted():
            view.ideas[event.idea_id] = IdeaView(
                **event.model_dump(
                    mode="json", include={"idea_id", "title", "summary", "author_name", "kind", "country"}
                )
            )
        case idea_events.IdeaShortlisted():
            view.ideas[event.idea_id].status, view.ideas[event.idea_id].note = "shortlisted", event.note
        case idea_events.IdeaInvited():
            view.ideas[event.idea_id].status, view.ideas[event.idea_id].apply_by = "invited", event.apply_by
