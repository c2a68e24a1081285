"""Selection: reviewers score applications on weighted criteria; the programme decides.

Rules: only assigned reviewers without a declared conflict score; scores stay on the scale
and cover exactly the criteria the challenge published (read from the challenge at the time
of scoring; the programme's defaults for a challenge published without criteria); a
waitlisted startup may still be selected; only a selected startup answers an offer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import MappingProxyType

from events.base import Event
from events.selection import (
    ApplicationDecided,
    ApplicationScored,
    ConflictOfInterestDeclared,
    Decision,
    OfferAccepted,
    OfferDeclined,
    ReviewerAssigned,
)
from services.intake.domain import APPLICATION, CHALLENGE, Application, CallStatus, Challenge
from services.kernel import Command, Context, Decider, Rejected, unhandled
from services.rules import ProgrammeRules
from services.selection.commands import (
    AcceptOffer,
    AssignReviewer,
    DecideApplication,
    DeclareConflictOfInterest,
    DeclineOffer,
    ScoreApplication,
)

EMPTY: Mapping[str, Decimal] = MappingProxyType({})


@dataclass(frozen=True)
class Selection:
    reviewers: frozenset[str] = frozenset()
    conflicted: frozenset[str] = frozenset()
    scores: Mapping[str, Decimal] = field(default_factory=lambda: EMPTY)
    decision: Decision | None = None
    offer_accepted: bool = False
    offer_declined: bool = False

    @property
    def average(self) -> Decimal | None:
        if not self.scores:
            return None
        return (sum(self.scores.values(), Decimal(0)) / len(self.scores)).quantize(Decimal("0.01"))


def evolve(state: Selection, event: Event) -> Selection:
    match event:
        case ReviewerAssigned():
            return replace(state, reviewers=state.reviewers | {event.reviewer})
        case ConflictOfInterestDeclared():
            scores = {r: s for r, s in state.scores.items() if r != event.reviewer}
            return replace(state, conflicted=state.conflicted | {event.reviewer}, scores=scores)
        case ApplicationScored():
            return replace(state, scores={**state.scores, event.reviewer: event.weighted_score})
        case ApplicationDecided():
            return replace(state, decision=event.decision)
        case OfferAccepted():
            return replace(state, offer_accepted=True)
        case OfferDeclined():
            return replace(state, offer_declined=True)
    return state


def decide(state: Selection, command: Command, context: Context) -> list[Event]:
    application = context.read(APPLICATION, command.aggregate_id())
    match command:
        case AssignReviewer():
            return assign(state, command, application)
        case DeclareConflictOfInterest():
            return declare_conflict(state, command, application)
        case ScoreApplication():
            challenge = context.read(CHALLENGE, application.challenge_id)
            _criteria_frozen(challenge, command.startup_id)
            criteria = challenge.weights(context.rules.criteria)
            return score(state, command, application, criteria, context.rules)
        case DecideApplication():
            return decide_application(state, command, application)
        case AcceptOffer():
            return accept(state, command, application)
        case DeclineOffer():
            return decline(state, command, application)
    unhandled(command)


def _criteria_frozen(challenge: Challenge, startup_id: str) -> None:
    """Scores count only once the criteria can no longer change: after the call opened."""
    if challenge.status is not CallStatus.UNPUBLISHED and not challenge.opened:
        raise Rejected(
            "startup_id",
            f"the call for {challenge.challenge_id} has not opened; {startup_id} is not scored yet",
        )


def _open_for_review(state: Selection, application: Application, startup_id: str) -> None:
    if not application.submitted:
        raise Rejected("startup_id", f"no application {startup_id}")
    if application.withdrawn:
        raise Rejected("startup_id", f"{startup_id} has withdrawn its application")
    if state.decision is not None:
        raise Rejected("startup_id", f"{startup_id} is already decided ({state.decision})")


def assign(state: Selection, cmd: AssignReviewer, application: Application) -> list[Event]:
    _open_for_review(state, application, cmd.startup_id)
    if cmd.reviewer in state.reviewers:
        raise Rejected("reviewer", f"{cmd.reviewer} is already assigned to {cmd.startup_id}")
    return [ReviewerAssigned(startup_id=cmd.startup_id, city_id=application.city_id, reviewer=cmd.reviewer)]


def declare_conflict(
    state: Selection, cmd: DeclareConflictOfInterest, application: Application
) -> list[Event]:
    _open_for_review(state, application, cmd.startup_id)
    if cmd.reviewer in state.conflicted:
        raise Rejected("reviewer", f"{cmd.reviewer} already declared a conflict")
    return [ConflictOfInterestDeclared(city_id=application.city_id, **cmd.model_dump())]


def score(
    state: Selection,
    cmd: ScoreApplication,
    application: Application,
    criteria: Mapping[str, Decimal],
    rules: ProgrammeRules,
) -> list[Event]:
    _open_for_review(state, application, cmd.startup_id)
    if cmd.reviewer in state.conflicted:
        raise Rejected("reviewer", f"{cmd.reviewer} declared a conflict of interest and may not score")
    if cmd.reviewer not in state.reviewers:
        raise Rejected("reviewer", f"{cmd.reviewer} is not assigned to {cmd.startup_id}")
    weighted = weighted_score(cmd.scores, criteria, rules)
    return [ApplicationScored(city_id=application.city_id, weighted_score=weighted, **cmd.model_dump())]


def weighted_score(
    scores: Mapping[str, int], criteria: Mapping[str, Decimal], rules: ProgrammeRules
) -> Decimal:
    """The sum of each score times its criterion's weight (weights are fractions adding to 1)."""
    missing = sorted(set(criteria) - set(scores))
    unknown = sorted(set(scores) - set(criteria))
    if missing or unknown:
        raise Rejected(
            "scores",
            f"score exactly the criteria {', '.join(criteria)}"
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; unknown {', '.join(unknown)}" if unknown else ""),
        )
    for criterion, value in scores.items():
        if not rules.score_min <= value <= rules.score_max:
            raise Rejected(
                f"scores.{criterion}",
                f"must be between {rules.score_min} and {rules.score_max} (got {value})",
            )
    total = sum((criteria[c] * v for c, v in scores.items()), Decimal(0))
    return total.quantize(Decimal("0.01"))


def decide_application(state: Selection, cmd: DecideApplication, application: Application) -> list[Event]:
    promoting = state.decision is Decision.WAITLISTED and cmd.decision is not Decision.WAITLISTED
    if not promoting:
        _open_for_review(state, application, cmd.startup_id)
    elif application.withdrawn:
        raise Rejected("startup_id", f"{cmd.startup_id} has withdrawn its application")
    if cmd.decision is not Decision.REJECTED and not state.scores:
        raise Rejected("decision", f"{cmd.startup_id} has no scores yet; only rejected is possible")
    return [
        ApplicationDecided(
            startup_id=cmd.startup_id,
            city_id=application.city_id,
            decision=cmd.decision,
            average_score=state.average,
            note=cmd.note,
        )
    ]


def _answerable(state: Selection, startup_id: str) -> None:
    if state.decision is not Decision.SELECTED:
        raise Rejected("startup_id", f"{startup_id} has no offer (decision: {state.decision})")
    if state.offer_accepted or state.offer_declined:
        raise Rejected("startup_id", f"{startup_id} already answered its offer")


def accept(state: Selection, cmd: AcceptOffer, application: Application) -> list[Event]:
    _answerable(state, cmd.startup_id)
    return [OfferAccepted(startup_id=cmd.startup_id, city_id=application.city_id)]


def decline(state: Selection, cmd: DeclineOffer, application: Application) -> list[Event]:
    _answerable(state, cmd.startup_id)
    return [OfferDeclined(startup_id=cmd.startup_id, city_id=application.city_id, reason=cmd.reason)]


SELECTION = Decider(
    "selection",
    Selection(),
    evolve,
    decide,
    (
        AssignReviewer,
        DeclareConflictOfInterest,
        ScoreApplication,
        DecideApplication,
        AcceptOffer,
        DeclineOffer,
    ),
)
