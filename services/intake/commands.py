"""Commands of the intake service: challenges and applications."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from events.applications import Contact
from events.base import Slug, Text
from events.programme import ChallengeDomain
from services.kernel import Command


class PublishChallenge(Command):
    challenge_id: Slug
    city_id: Slug
    domain: ChallengeDomain
    title: Text
    description: str = ""
    opens_on: date
    closes_on: date


class OpenCall(Command):
    challenge_id: Slug


class CloseCall(Command):
    challenge_id: Slug


class SubmitApplication(Command):
    challenge_id: Slug
    company_name: Text
    enterprise_number: str
    contact: Contact
    proposal: Text
    requested_budget: Decimal


class WithdrawApplication(Command):
    startup_id: str
    reason: Text
