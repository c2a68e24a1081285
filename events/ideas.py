"""The crowdsourcing track: short ideas on the challenge's own stream, shortlisted by the
city, some invited into the accelerator track. No grant is attached to an idea."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import StringConstraints

from events.applications import ApplicantKind, Contact, Country, Member
from events.base import Plain, Printable, Slug, Text
from events.programme import ChallengeEvent

Summary = Annotated[str, StringConstraints(min_length=1, max_length=1000, strip_whitespace=True), Printable]
"""An idea is short: at most 1,000 characters."""


IdeaTitle = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True), Printable]


class IdeaSubmitted(ChallengeEvent):
    family = "applications"
    private = frozenset({"contact", "members"})
    city_id: Slug
    idea_id: Slug
    title: IdeaTitle
    summary: Summary
    kind: ApplicantKind
    author_name: Text
    """The public name the author or team chose."""
    country: Country
    contact: Contact
    members: tuple[Member, ...] = ()


class IdeaShortlisted(ChallengeEvent):
    family = "applications"
    city_id: Slug
    idea_id: Slug
    note: Plain = ""


class IdeaInvited(ChallengeEvent):
    """A shortlisted idea is invited into the accelerator track: its author may apply until
    `apply_by`, even once the call has closed."""

    family = "applications"
    city_id: Slug
    idea_id: Slug
    apply_by: date
