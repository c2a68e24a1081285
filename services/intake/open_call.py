"""The open side of a call: questions answered in public, and the crowdsourcing track.

Rules: questions are taken until the call closes; an answer goes to a question asked (once)
or is a clarification published before the call closes. Ideas come while the call is open,
from anyone the call allows, once per author; the city shortlists them, and may invite a
shortlisted idea into the accelerator track: its author may then apply until `apply_by`,
even after the call has closed.
"""

from __future__ import annotations

import uuid
from datetime import date

from events.base import Event
from events.envelope import NAMESPACE
from events.framing import Track
from events.ideas import IdeaInvited, IdeaShortlisted, IdeaSubmitted
from events.programme import AnswerPublished, QuestionAsked
from services.intake.challenge import Challenge, Idea, IdeaStatus
from services.intake.framing import check_eligible, require_published
from services.intake.open_commands import AskQuestion, InviteIdea, PublishAnswer, ShortlistIdea, SubmitIdea
from services.kernel import Rejected


def ask(state: Challenge, cmd: AskQuestion, day: date) -> list[Event]:
    require_published(state, cmd.challenge_id)
    if state.closed_on(day):
        raise Rejected(
            "challenge_id",
            f"the call for {cmd.challenge_id} closed on {state.closes_on}; questions are taken until then",
        )
    question_id = f"q-{len(state.questions) + 1}"
    return [QuestionAsked(city_id=state.city_id, question_id=question_id, **cmd.model_dump())]


def answer(state: Challenge, cmd: PublishAnswer, day: date) -> list[Event]:
    require_published(state, cmd.challenge_id)
    question = cmd.question
    if cmd.question_id is not None:
        if cmd.question_id not in state.questions:
            raise Rejected("question_id", f"no question {cmd.question_id} was asked about {cmd.challenge_id}")
        if cmd.question_id in state.answered:
            raise Rejected("question_id", f"{cmd.question_id} is already answered")
        question = question or state.questions[cmd.question_id]
    elif state.closed_on(day):
        raise Rejected("challenge_id", f"the call for {cmd.challenge_id} closed on {state.closes_on}")
    if not question:
        raise Rejected("question", "an answer nobody asked for says which question it answers")
    return [
        AnswerPublished(
            challenge_id=cmd.challenge_id,
            city_id=state.city_id,
            question_id=cmd.question_id,
            question=question,
            answer=cmd.answer,
        )
    ]


def idea_id_for(challenge_id: str, email: str) -> str:
    """One idea per author and challenge: the id follows from both (a retry is the same idea)."""
    return "idea-" + uuid.uuid5(NAMESPACE, f"{challenge_id}/idea/{email.casefold()}").hex[:8]


def submit_idea(state: Challenge, cmd: SubmitIdea, day: date) -> list[Event]:
    require_published(state, cmd.challenge_id)
    if Track.IDEAS not in state.tracks:
        raise Rejected("challenge_id", f"{cmd.challenge_id} does not collect ideas (accelerator track only)")
    if not state.accepts_applications_on(day):
        raise Rejected("challenge_id", f"the call for {cmd.challenge_id} is not open on {day}")
    check_eligible(state, cmd.kind, cmd.country)
    idea_id = idea_id_for(cmd.challenge_id, cmd.contact.email)
    if idea_id in state.ideas:
        raise Rejected(
            "contact.email", f"this author already submitted an idea to {cmd.challenge_id} ({idea_id})"
        )
    return [IdeaSubmitted(city_id=state.city_id, idea_id=idea_id, **cmd.model_dump())]


def _idea(state: Challenge, challenge_id: str, idea_id: str) -> Idea:
    require_published(state, challenge_id)
    if idea_id not in state.ideas:
        raise Rejected("idea_id", f"no idea {idea_id} was submitted to {challenge_id}")
    return state.ideas[idea_id]


def shortlist(state: Challenge, cmd: ShortlistIdea) -> list[Event]:
    idea = _idea(state, cmd.challenge_id, cmd.idea_id)
    if idea.status is not IdeaStatus.SUBMITTED:
        raise Rejected("idea_id", f"{cmd.idea_id} is already {idea.status}")
    return [IdeaShortlisted(city_id=state.city_id, **cmd.model_dump())]


def invite(state: Challenge, cmd: InviteIdea, day: date) -> list[Event]:
    idea = _idea(state, cmd.challenge_id, cmd.idea_id)
    if idea.status is not IdeaStatus.SHORTLISTED:
        raise Rejected("idea_id", f"{cmd.idea_id} is {idea.status}; only a shortlisted idea is invited")
    if Track.ACCELERATOR not in state.tracks:
        raise Rejected("challenge_id", f"{cmd.challenge_id} has no accelerator track to invite into")
    if cmd.apply_by < day:
        raise Rejected("apply_by", f"the invitation must run until today ({day}) or later")
    return [IdeaInvited(city_id=state.city_id, **cmd.model_dump())]


def invited(state: Challenge, idea_id: str, email: str, day: date) -> bool:
    """Whether this author holds a running invitation for this idea."""
    idea = state.ideas.get(idea_id)
    return (
        idea is not None
        and idea.status is IdeaStatus.INVITED
        and idea.email == email.casefold()
        and idea.apply_by is not None
        and day <= idea.apply_by
    )
