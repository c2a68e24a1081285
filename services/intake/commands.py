"""Commands of the intake service: challenges framed in public, and applications.

The crowdsourcing track's and the Q&A's commands are in services/intake/open_commands.py.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import EmailStr

from events.applications import ApplicantKind, Contact, Country, Member
from events.base import Plain, Slug, Text
from events.framing import Criterion, Eligibility, Offer, TimelineEntry, Track
from events.programme import ChallengeDomain
from services.intake.identity import identify, startup_id_for
from services.kernel import Command, StartupCommand


class ChallengeCommand(Command):
    challenge_id: Slug

    def aggregate_id(self) -> str:
        return self.challenge_id


class PublishChallenge(ChallengeCommand):
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
    timeline: tuple[TimelineEntry, ...] = ()
    questions_to: EmailStr | None = None
    tracks: tuple[Track, ...] = (Track.ACCELERATOR,)
    opens_on: date
    closes_on: date


class AmendChallenge(ChallengeCommand):
    """Change a published challenge before its call closes; None leaves a field as it is."""

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


class OpenCall(ChallengeCommand):
    pass


class CloseCall(ChallengeCommand):
    pass


class SubmitApplication(Command):
    """An application to the accelerator track. `enterprise_number` is the applicant's number
    in its country's register (or an EU VAT number); citizens and teams leave it empty and
    name their `country`; `company_name` is the public name (a team's chosen name)."""

    challenge_id: Slug
    company_name: Text
    enterprise_number: Plain = ""
    contact: Contact
    proposal: Text
    requested_budget: Decimal
    kind: ApplicantKind = ApplicantKind.COMPANY
    country: Country | None = None
    """None: Belgium, or the country of an EU VAT number's prefix."""
    members: tuple[Member, ...] = ()
    invitation: Slug | None = None
    """The invited idea of the crowdsourcing track this application answers."""

    def aggregate_id(self) -> str:
        """One applicant, one application per challenge: the startup id follows from both."""
        identity = identify(self.kind, self.country, self.enterprise_number, self.contact.email)
        return startup_id_for(self.challenge_id, identity.key)


class WithdrawApplication(StartupCommand):
    reason: Text
