"""Publishing a framed challenge, amending it, opening and closing its call.

Rules: criteria have distinct keys and weights that add up to 100 %; a call's own PoC cap is
at most the programme's; an amendment comes before the call closes, never changes the
criteria once the call has opened (applicants answer, and reviewers score, the published
ones), and never moves the closing day into the past. Who may answer: `check_eligible`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from events.applications import ApplicantKind
from events.base import Event
from events.framing import Criterion, Eligibility, Offer
from events.programme import CallClosed, CallOpened, ChallengeAmended, ChallengePublished
from services.intake.challenge import CallStatus, Challenge
from services.intake.commands import AmendChallenge, CloseCall, OpenCall, PublishChallenge
from services.kernel import Rejected
from services.rules import ProgrammeRules

KINDS = {
    ApplicantKind.COMPANY: "companies",
    ApplicantKind.SELF_EMPLOYED: "self-employed people",
    ApplicantKind.KNOWLEDGE_INSTITUTION: "knowledge institutions",
    ApplicantKind.CITIZENS: "citizens and teams of citizens",
}


def publish(state: Challenge, cmd: PublishChallenge, rules: ProgrammeRules) -> list[Event]:
    if state.status is not CallStatus.UNPUBLISHED:
        raise Rejected("challenge_id", f"challenge {cmd.challenge_id} is already published")
    if cmd.closes_on < cmd.opens_on:
        raise Rejected("closes_on", "the call must close on or after the day it opens")
    if not cmd.tracks:
        raise Rejected("tracks", "a challenge has the accelerator track, the ideas track, or both")
    check_criteria(cmd.criteria)
    check_offer(cmd.offer, rules)
    check_eligibility(cmd.eligibility)
    return [ChallengePublished(**cmd.model_dump())]


def check_criteria(criteria: tuple[Criterion, ...]) -> None:
    """None (the programme's defaults), or distinct criteria whose weights make 100 %."""
    if not criteria:
        return
    keys = [c.key for c in criteria]
    if doubles := sorted({k for k in keys if keys.count(k) > 1}):
        raise Rejected("criteria", f"each criterion once (twice: {', '.join(doubles)})")
    total = sum(c.weight_percent for c in criteria)
    if total != 100:
        weights = ", ".join(f"{c.key} {c.weight_percent} %" for c in criteria)
        raise Rejected("criteria", f"the weights must add up to 100 % (got {total} %: {weights})")


def check_offer(offer: Offer, rules: ProgrammeRules) -> None:
    if offer.budget_cap is not None and offer.budget_cap > rules.grant_cap:
        raise Rejected(
            "offer.budget_cap", f"must be at most the programme's EUR {rules.grant_cap:,.0f} per startup"
        )


def check_eligibility(eligibility: Eligibility) -> None:
    if not eligibility.kinds:
        raise Rejected("eligibility.kinds", "name at least one kind of applicant the call is open to")


def check_eligible(state: Challenge, kind: ApplicantKind, country: str) -> None:
    """The applicant's kind and country are among those the call is open to."""
    if not state.allows(kind):
        allowed = ", ".join(KINDS[k] for k in state.eligibility.kinds)
        raise Rejected(
            "kind", f"the call for {state.challenge_id} is open to {allowed}, not to {KINDS[kind]}"
        )
    countries = state.eligibility.countries
    if countries and country not in countries:
        raise Rejected(
            "country",
            f"the call for {state.challenge_id} is open to applicants from {', '.join(countries)} "
            f"(not {country})",
        )


def amend(state: Challenge, cmd: AmendChallenge, day: date, rules: ProgrammeRules) -> list[Event]:
    require_published(state, cmd.challenge_id)
    if state.closed_on(day):
        raise Rejected(
            "challenge_id", f"the call for {cmd.challenge_id} closed on {state.closes_on}; it is not amended"
        )
    changes = cmd.model_dump(exclude={"challenge_id", "note"}, exclude_none=True)
    if not changes:
        raise Rejected("note", "an amendment changes at least one part of the challenge")
    if cmd.criteria is not None:
        if state.opened:
            raise Rejected(
                "criteria",
                f"the call for {cmd.challenge_id} has opened: its criteria and weights stay as "
                "published (applicants answer them and reviewers score on them)",
            )
        check_criteria(cmd.criteria)
    if cmd.closes_on is not None and cmd.closes_on < max(day, state.opens_on):
        raise Rejected("closes_on", f"the call cannot close before {max(day, state.opens_on)}")
    if cmd.offer is not None:
        check_offer(cmd.offer, rules)
    if cmd.eligibility is not None:
        check_eligibility(cmd.eligibility)
    return [ChallengeAmended(city_id=state.city_id, **cmd.model_dump())]


def open_call(state: Challenge, cmd: OpenCall, day: date) -> list[Event]:
    require_published(state, cmd.challenge_id)
    if state.status is CallStatus.OPEN:
        raise Rejected("challenge_id", f"the call for {cmd.challenge_id} is already open")
    if day > state.closes_on:
        raise Rejected("challenge_id", f"the call window ended on {state.closes_on}")
    return [CallOpened(challenge_id=state.challenge_id, city_id=state.city_id)]


def close_call(state: Challenge, cmd: CloseCall) -> list[Event]:
    require_published(state, cmd.challenge_id)
    if state.status is not CallStatus.OPEN:
        raise Rejected("challenge_id", f"the call for {cmd.challenge_id} is not open")
    return [CallClosed(challenge_id=state.challenge_id, city_id=state.city_id)]


def require_published(state: Challenge, challenge_id: str) -> None:
    if state.status is CallStatus.UNPUBLISHED:
        raise Rejected("challenge_id", f"no challenge {challenge_id} has been published")


def grant_cap(state: Challenge, rules: ProgrammeRules) -> Decimal:
    return min(rules.grant_cap, state.budget_cap) if state.budget_cap is not None else rules.grant_cap
