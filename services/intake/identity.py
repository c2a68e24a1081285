"""Who an applicant is, and the startup id that follows from it.

A company or institution is its registration (services/intake/registrations.py); citizens
and teams have no number and are their lead's e-mail address. The startup id is derived from
(challenge, that key), so one applicant applies once per challenge and a retried command
writes the same stream. Belgian keys are the bare enterprise number, as they always were:
stores written before other countries were taken keep their ids.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from events.applications import ApplicantKind, Registration
from events.envelope import NAMESPACE
from services.intake.registrations import entity_key, registration
from services.kernel import Rejected


def startup_id_for(challenge_id: str, key: str) -> str:
    """One applicant, one application per challenge: the id follows from that natural key."""
    return "st-" + uuid.uuid5(NAMESPACE, f"{challenge_id}/{key}").hex[:8]


def valid_enterprise_number(raw: str) -> str:
    """A Belgian enterprise number, compact (0403170701), or a refusal naming the rule."""
    return registration("BE", raw)[0].number


@dataclass(frozen=True)
class Identity:
    kind: ApplicantKind
    country: str
    registration: Registration | None
    key: str
    """What makes two applications the same applicant's."""


def identify(kind: ApplicantKind, country: str | None, number: str, email: str) -> Identity:
    """The applicant's identity from what it typed; a refusal names the country and the rule."""
    if kind is ApplicantKind.CITIZENS:
        if number.strip():
            raise Rejected("enterprise_number", "citizens and teams apply without a company number")
        if country is None:
            raise Rejected("country", "citizens and teams say which country they live in (e.g. BE, NL)")
        return Identity(kind, country, None, f"citizens:{email.strip().casefold()}")
    if not number.strip():
        raise Rejected("enterprise_number", f"a {kind} applies with its registration or EU VAT number")
    reg, found = registration(country or "BE", number)
    if country is not None and found != country:
        raise Rejected("country", f"{number!r} is a number from {found}, not from {country}")
    return Identity(kind, found, reg, entity_key(reg))
