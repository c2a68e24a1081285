"""Intake: challenges framed in public with their call windows, and applications checked for
eligibility.

Two deciders: CHALLENGE (publish, amend, open and close the call; questions and answers;
ideas: services/intake/framing.py and open_call.py) and APPLICATION (submit, withdraw).
Pure: `decide` turns (state, command, context) into events or raises `Rejected`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from events.applications import ApplicantKind, ApplicationSubmitted, ApplicationWithdrawn
from events.base import Event
from events.framing import Track
from services.intake import framing, open_call
from services.intake.challenge import CallStatus, Challenge, evolve
from services.intake.commands import (
    AmendChallenge,
    CloseCall,
    OpenCall,
    PublishChallenge,
    SubmitApplication,
    WithdrawApplication,
)
from services.intake.identity import Identity, identify, startup_id_for, valid_enterprise_number
from services.intake.open_commands import AskQuestion, InviteIdea, PublishAnswer, ShortlistIdea, SubmitIdea
from services.kernel import Command, Context, Decider, Rejected, unhandled
from services.rules import ProgrammeRules

__all__ = ["APPLICATION", "CHALLENGE", "CallStatus", "Challenge", "startup_id_for", "valid_enterprise_number"]


def decide_challenge(state: Challenge, command: Command, context: Context) -> list[Event]:
    day, rules = context.today, context.rules
    match command:
        case PublishChallenge():
            return framing.publish(state, command, rules)
        case AmendChallenge():
            return framing.amend(state, command, day, rules)
        case OpenCall():
            return framing.open_call(state, command, day)
        case CloseCall():
            return framing.close_call(state, command)
        case AskQuestion():
            return open_call.ask(state, command, day)
        case PublishAnswer():
            return open_call.answer(state, command, day)
        case SubmitIdea():
            return open_call.submit_idea(state, command, day)
        case ShortlistIdea():
            return open_call.shortlist(state, command)
        case InviteIdea():
            return open_call.invite(state, command, day)
    unhandled(command)


CHALLENGE = Decider(
    "challenge",
    Challenge(),
    evolve,
    decide_challenge,
    (
        PublishChallenge,
        AmendChallenge,
        OpenCall,
        CloseCall,
        AskQuestion,
        PublishAnswer,
        SubmitIdea,
        ShortlistIdea,
        InviteIdea,
    ),
)


@dataclass(frozen=True)
class Application:
    startup_id: str = ""
    city_id: str = ""
    challenge_id: str = ""
    kind: ApplicantKind = ApplicantKind.COMPANY
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
                event.challenge_id,
                event.kind,
                submitted=True,
                requested_budget=event.requested_budget,
                company_name=event.applicant_name,
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
    who = identify(cmd.kind, cmd.country, cmd.enterprise_number, cmd.contact.email)
    framing.require_published(challenge, cmd.challenge_id)
    _check_window(cmd, challenge, day)
    framing.check_eligible(challenge, who.kind, who.country)
    _check_budget(cmd.requested_budget, who, challenge, rules)
    if state.submitted:
        raise Rejected(
            "enterprise_number" if who.registration else "contact.email",
            f"{_named(who)} already applied to {cmd.challenge_id} (as {state.startup_id})",
        )
    return [
        ApplicationSubmitted(
            startup_id=startup_id_for(cmd.challenge_id, who.key),
            city_id=challenge.city_id,
            applicant_name=cmd.company_name,
            country=who.country,
            registration=who.registration,
            invited_idea=cmd.invitation,
            **cmd.model_dump(
                exclude={"company_name", "enterprise_number", "country", "invitation"}, exclude_none=True
            ),
        )
    ]


def _named(who: Identity) -> str:
    if who.registration is None:
        return "this team (its lead's e-mail)"
    return f"company {who.registration.number}"


def _check_window(cmd: SubmitApplication, challenge: Challenge, day: date) -> None:
    if cmd.invitation is not None:
        if not open_call.invited(challenge, cmd.invitation, cmd.contact.email, day):
            raise Rejected(
                "invitation",
                f"{cmd.invitation} holds no running invitation to {cmd.challenge_id} for this contact",
            )
        return
    if not challenge.accepts_applications_on(day):
        raise Rejected(
            "challenge_id",
            f"the call for {cmd.challenge_id} is not open on {day} "
            f"(window {challenge.opens_on} to {challenge.closes_on}, call {challenge.status})",
        )
    if Track.ACCELERATOR not in challenge.tracks:
        raise Rejected("challenge_id", f"{cmd.challenge_id} collects ideas only: submit an idea instead")


def _check_budget(budget: Decimal, who: Identity, challenge: Challenge, rules: ProgrammeRules) -> None:
    if budget != round(budget, 2):
        raise Rejected("requested_budget", "must be in whole cents")
    if who.kind is ApplicantKind.CITIZENS and not challenge.eligibility.citizens_grant:
        if budget != 0:
            raise Rejected(
                "requested_budget",
                f"citizens and teams receive no PoC grant in {challenge.challenge_id} (apply with 0; "
                "a prize or a pilot invitation is still possible)",
            )
        return
    cap = framing.grant_cap(challenge, rules)
    if budget <= 0:
        raise Rejected("requested_budget", "must be more than EUR 0")
    if budget > cap:
        raise Rejected("requested_budget", f"must be at most EUR {cap:,.0f} (got EUR {budget:,})")


def withdraw(state: Application, cmd: WithdrawApplication, offer_accepted: bool) -> list[Event]:
    if not state.submitted:
        raise Rejected("startup_id", f"no application {cmd.startup_id}")
    if state.withdrawn:
        raise Rejected("startup_id", f"{cmd.startup_id} has already withdrawn")
    if offer_accepted:
        raise Rejected("startup_id", f"{cmd.startup_id} accepted its offer; the programme can terminate it")
    return [ApplicationWithdrawn(startup_id=state.startup_id, city_id=state.city_id, reason=cmd.reason)]
