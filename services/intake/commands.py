"""Commands of the intake service: challenges and applications."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from events.applications import Contact
from events.base import Plain, Slug, Text
from events.programme import ChallengeDomain
from services.intake.identity import startup_id_for, valid_enterprise_number
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
    opens_on: date
    closes_on: date


class OpenCall(ChallengeCommand):
    pass


class CloseCall(ChallengeCommand):
    pass


class SubmitApplication(Command):
    challenge_id: Slug
    company_name: Text
    enterprise_number: Plain
    contact: Contact
    proposal: Text
    requested_budget: Decimal

    def aggregate_id(self) -> str:
        """One company, one application per challenge: the startup id follows from both."""
        return startup_id_for(self.challenge_id, valid_enterprise_number(self.enterprise_number))


class WithdrawApplication(StartupCommand):
    reason: Text
