"""Intake: challenges with their call windows, and applications checked for eligibility.

Two deciders: CHALLENGE (publish, open and close the call) and APPLICATION (submit,
withdraw). Pure: `decide` turns (state, command, context) into events or raises `Rejected`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from events.applications import ApplicationSubmitted, ApplicationWithdrawn
from events.base import Event
from events.programme import CallClosed, CallOpened, ChallengePublished
from services.intake.commands import (
    CloseCall,
    OpenCall,
    PublishChallenge,
    SubmitApplication,
    WithdrawApplication,
)
from services.intake.identity import startup_id_for, valid_enterprise_number
from services.kernel import Command, Context, Decider, Rejected, unhandled
from services.rules import ProgrammeRules

__all__ = ["APPLICATION", "CHALLENGE", "startup_id_for", "valid_enterprise_number"]


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
    match event:
        case ChallengePublished():
            return Challenge(
                event.challenge_id, event.city_id, CallStatus.SCHEDULED, event.opens_on, event.closes_on
            )
        case CallOpened():
            return replace(state, status=CallStatus.OPEN)
        case CallClosed():
            return replace(state, status=CallStatus.CLOSED)
    return state


def decide_challenge(state: Challenge, command: Command, context: Context) -> list[Event]:
    match command:
        case PublishChallenge():
            return publish(state, command)
        case OpenCall():
            return open_call(state, command, context.today)
        case CloseCall():
            return close_call(state, command)
    unhandled(command)


CHALLENGE = Decider(
    "challenge",
    Challenge(),
    evolve_challenge,
    decide_challenge,
    (PublishChallenge, OpenCall, CloseCall),
)


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
    company_name: str = ""


def evolve_application(state: Application, event: Event) -> Application:
    match event:
        case ApplicationSubmitted():
            return Application(
                event.startup_id,
                event.city_id,
                submitted=True,
                requested_budget=event.requested_budget,
                company_name=event.company_name,
            )
        case ApplicationWithdrawn():
            return replace(state, withdrawn=True)
    return state


def decide_application(state: Application, command: Command, context: Context) -> list[Event]:
    match command:
        case SubmitApplication():
            challenge = context.read(CHALLENGE, command.challenge_id)
            return submit(state, command, challenge, context.today, context.rules)
        case WithdrawApplication():
            # Selection reads applications; here, once, an application reads its selection.
            from services.selection.domain import SELECTION

            selection = context.read(SELECTION, command.startup_id)
            return withdraw(state, command, offer_accepted=selection.offer_accepted)
    unhandled(command)


APPLICATION = Decider(
    "application",
    Application(),
    evolve_application,
    decide_application,
    (SubmitApplication, WithdrawApplication),
)


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
