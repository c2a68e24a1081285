"""Intake: challenges with their call windows, and applications checked for eligibility.

Pure: `decide_*` turn (state, command, now) into events or raise `Rejected`; `evolve_*` fold.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from stdnum.be import vat as enterprise_number
from stdnum.exceptions import ValidationError

from events.applications import ApplicationSubmitted, ApplicationWithdrawn
from events.base import Event
from events.envelope import NAMESPACE
from events.programme import CallClosed, CallOpened, ChallengePublished
from services.intake.commands import (
    CloseCall,
    OpenCall,
    PublishChallenge,
    SubmitApplication,
    WithdrawApplication,
)
from services.kernel import Aggregate, Rejected
from services.rules import ProgrammeRules


class CallStatus(StrEnum):
    UNPUBLISHED = "unpublished"
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class Challenge:
    challenge_id: str = ""
    city_id: str = ""
    status: CallStatus = CallStatus.UNPUBLISHED
    opens_on: date = date.min
    closes_on: date = date.min

    def accepts_applications_on(self, day: date) -> bool:
        return self.status is CallStatus.OPEN and self.opens_on <= day <= self.closes_on


def evolve_challenge(state: Challenge, event: Event) -> Challenge:
    if isinstance(event, ChallengePublished):
        return Challenge(
            event.challenge_id, event.city_id, CallStatus.SCHEDULED, event.opens_on, event.closes_on
        )
    if isinstance(event, CallOpened):
        return replace(state, status=CallStatus.OPEN)
    if isinstance(event, CallClosed):
        return replace(state, status=CallStatus.CLOSED)
    return state


CHALLENGE = Aggregate("challenge", Challenge(), evolve_challenge)


def publish(state: Challenge, cmd: PublishChallenge) -> list[Event]:
    if state.status is not CallStatus.UNPUBLISHED:
        raise Rejected("challenge_id", f"challenge {cmd.challenge_id} is already published")
    if cmd.closes_on < cmd.opens_on:
        raise Rejected("closes_on", "the call must close on or after the day it opens")
    return [ChallengePublished(**cmd.model_dump())]


def open_call(state: Challenge, cmd: OpenCall, day: date) -> list[Event]:
    _require_published(state, cmd.challenge_id)
    if state.status is CallStatus.OPEN:
        raise Rejected("challenge_id", f"the call for {cmd.challenge_id} is already open")
    if day > state.closes_on:
        raise Rejected("challenge_id", f"the call window ended on {state.closes_on}")
    return [CallOpened(challenge_id=state.challenge_id, city_id=state.city_id)]


def close_call(state: Challenge, cmd: CloseCall) -> list[Event]:
    _require_published(state, cmd.challenge_id)
    if state.status is not CallStatus.OPEN:
        raise Rejected("challenge_id", f"the call for {cmd.challenge_id} is not open")
    return [CallClosed(challenge_id=state.challenge_id, city_id=state.city_id)]


def _require_published(state: Challenge, challenge_id: str) -> None:
    if state.status is CallStatus.UNPUBLISHED:
        raise Rejected("challenge_id", f"no challenge {challenge_id} has been published")


@dataclass(frozen=True)
class Application:
    startup_id: str = ""
    city_id: str = ""
    submitted: bool = False
    withdrawn: bool = False
    requested_budget: Decimal = Decimal(0)


def evolve_application(state: Application, event: Event) -> Application:
    if isinstance(event, ApplicationSubmitted):
        return Application(
            event.startup_id, event.city_id, submitted=True, requested_budget=event.requested_budget
        )
    if isinstance(event, ApplicationWithdrawn):
        return replace(state, withdrawn=True)
    return state


APPLICATION = Aggregate("application", Application(), evolve_application)


def startup_id_for(challenge_id: str, enterprise: str) -> str:
    """One company, one application per challenge: the id follows from that natural key."""
    return "st-" + uuid.uuid5(NAMESPACE, f"{challenge_id}/{enterprise}").hex[:8]


def valid_enterprise_number(raw: str) -> str:
    try:
        return str(enterprise_number.validate(raw))
    except ValidationError as error:
        raise Rejected(
            "enterprise_number", f"{raw!r} is not a valid Belgian enterprise number ({error})"
        ) from error


def submit(
    state: Application,
    cmd: SubmitApplication,
    challenge: Challenge,
    day: date,
    rules: ProgrammeRules,
) -> list[Event]:
    number = valid_enterprise_number(cmd.enterprise_number)
    if challenge.status is CallStatus.UNPUBLISHED:
        raise Rejected("challenge_id", f"no challenge {cmd.challenge_id} has been published")
    if not challenge.accepts_applications_on(day):
        raise Rejected(
            "challenge_id",
            f"the call for {cmd.challenge_id} is not open on {day} "
            f"(window {challenge.opens_on} to {challenge.closes_on}, call {challenge.status})",
        )
    _check_budget(cmd.requested_budget, rules.grant_cap)
    if state.submitted:
        raise Rejected(
            "enterprise_number",
            f"company {number} already applied to {cmd.challenge_id} (as {state.startup_id})",
        )
    return [
        ApplicationSubmitted(
            startup_id=startup_id_for(cmd.challenge_id, number),
            city_id=challenge.city_id,
            enterprise_number=number,
            **cmd.model_dump(exclude={"enterprise_number"}),
        )
    ]


def _check_budget(budget: Decimal, cap: Decimal) -> None:
    if budget <= 0:
        raise Rejected("requested_budget", "must be more than EUR 0")
    if budget > cap:
        raise Rejected("requested_budget", f"must be at most EUR {cap:,.0f} (got EUR {budget:,})")
    if budget != round(budget, 2):
        raise Rejected("requested_budget", "must be in whole cents")


def withdraw(state: Application, cmd: WithdrawApplication, offer_accepted: bool) -> list[Event]:
    if not state.submitted:
        raise Rejected("startup_id", f"no application {cmd.startup_id}")
    if state.withdrawn:
        raise Rejected("startup_id", f"{cmd.startup_id} has already withdrawn")
    if offer_accepted:
        raise Rejected("startup_id", f"{cmd.startup_id} accepted its offer; the programme can terminate it")
    return [ApplicationWithdrawn(startup_id=state.startup_id, city_id=state.city_id, reason=cmd.reason)]
