"""How a city frames a challenge in public: what it offers, who may answer, how it judges.

Values carried by `ChallengePublished` (v2) and `ChallengeAmended`. None of them holds
personal data: the contact for questions is the programme's public mailbox.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field, HttpUrl

from events.applications import ApplicantKind, Country
from events.base import Euros, Slug, Text, Value


class Track(StrEnum):
    ACCELERATOR = "accelerator"
    """Applications with a proposal and a PoC budget: selection, six months, grant, pilot."""
    IDEAS = "ideas"
    """Crowdsourcing: short ideas, no grant; the city shortlists and may invite some."""


class Criterion(Value):
    """One published evaluation criterion: reviewers score it 0-10; its weight counts in %."""

    key: Slug
    title: Text
    weight_percent: Annotated[int, Field(ge=1, le=100)]


class DatasetOnOffer(Value):
    title: Text
    url: HttpUrl


class Offer(Value):
    """What the city puts on the table besides the programme itself."""

    budget_cap: Euros | None = None
    """This call's PoC cap when lower than the programme's EUR 10,000."""
    hardware: tuple[Text, ...] = ()
    sensors: tuple[Text, ...] = ()
    datasets: tuple[DatasetOnOffer, ...] = ()
    expert_hours: Annotated[int, Field(ge=0, le=10000)] | None = None


ALL_KINDS = tuple(ApplicantKind)


class Eligibility(Value):
    """Who may answer: kinds of applicant and countries (empty: any country)."""

    kinds: tuple[ApplicantKind, ...] = ALL_KINDS
    countries: tuple[Country, ...] = ()
    citizens_grant: bool = False
    """Whether citizens and teams may receive the PoC grant (otherwise a prize or a pilot)."""


class TimelineEntry(Value):
    on: date
    what: Text
