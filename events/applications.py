"""Application events: anyone the call allows answers a challenge (accelerator track), or
withdraws; ideas of the crowdsourcing track live on the challenge's own stream."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import EmailStr, StringConstraints

from events.base import Email, Euros, Plain, Slug, StartupEvent, Text, Value

Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
"""An ISO 3166-1 alpha-2 country code: BE, NL, FR, GB, ..."""


class ApplicantKind(StrEnum):
    COMPANY = "company"
    SELF_EMPLOYED = "self-employed"
    KNOWLEDGE_INSTITUTION = "knowledge-institution"
    CITIZENS = "citizens"
    """A citizen, or a team of citizens (students, "innovative hobbyists"): no number."""


class RegistrationScheme(StrEnum):
    """Which register a number comes from (validated with python-stdnum where it can be)."""

    BE_ENTERPRISE = "be-enterprise"
    NL_KVK = "nl-kvk"
    FR_SIREN = "fr-siren"
    FR_SIRET = "fr-siret"
    GB_COMPANY = "gb-company"
    EU_VAT = "eu-vat"


class Registration(Value):
    """A company's or institution's number in its register, written compact."""

    scheme: RegistrationScheme
    number: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{5,16}$")]


class Contact(Value):
    """Personal data: never published on a city's topic."""

    name: Text
    email: Email
    phone: Plain | None = None


class Member(Value):
    """A team member besides the lead: personal data, never published on a city's topic."""

    name: Text
    email: EmailStr | None = None


class ApplicationSubmitted(StartupEvent):
    """An application to a challenge's accelerator track (v2: any applicant the call allows)."""

    family = "applications"
    version = 2
    private = frozenset({"contact", "members"})
    challenge_id: Slug
    city_id: Slug
    kind: ApplicantKind
    applicant_name: Text
    """The public name: the company's, the institution's, or the team's chosen name."""
    country: Country
    registration: Registration | None = None
    """None for citizens and teams."""
    contact: Contact
    """For citizens: the team's lead."""
    members: tuple[Member, ...] = ()
    proposal: Text
    requested_budget: Euros
    invited_idea: str | None = None
    """The idea of the crowdsourcing track this application was invited from, if any."""


class ApplicationWithdrawn(StartupEvent):
    family = "applications"
    city_id: Slug
    reason: Text
