"""Commands of the intake service on a challenge's open side: questions and answers, and the
crowdsourcing track's ideas. All write the challenge's stream."""

from __future__ import annotations

from datetime import date

from events.applications import ApplicantKind, Contact, Country, Member
from events.base import Plain, Slug, Text
from events.ideas import IdeaTitle, Summary
from services.intake.commands import ChallengeCommand


class AskQuestion(ChallengeCommand):
    question: Text
    asked_by: Contact | None = None


class PublishAnswer(ChallengeCommand):
    """An answer to every applicant: to a question asked (`question_id`) or unasked."""

    question_id: Slug | None = None
    question: Text | None = None
    """As published; by default the question as it was asked."""
    answer: Text


class SubmitIdea(ChallengeCommand):
    title: IdeaTitle
    summary: Summary
    author_name: Text
    kind: ApplicantKind = ApplicantKind.CITIZENS
    country: Country
    contact: Contact
    members: tuple[Member, ...] = ()


class ShortlistIdea(ChallengeCommand):
    idea_id: Slug
    note: Plain = ""


class InviteIdea(ChallengeCommand):
    """Invite a shortlisted idea's author to apply to the accelerator track until `apply_by`."""

    idea_id: Slug
    apply_by: date
