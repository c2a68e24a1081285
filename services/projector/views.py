"""The projected state of each startup and challenge: a pure fold of their events.

`apply(view, event, time)` returns the view after one event; replaying a log through it
always gives the same views, which `accelerator rebuild` and `show --as-of` rely on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import singledispatch

from pydantic import BaseModel, Field

from events import applications as ap
from events import milestones as ms
from events import payments as pay
from events import pilots as pi
from events import programme as pr
from events import selection as se
from events.base import Event
from services.payments.domain import committed
from services.projector.challenges import ChallengeView, apply_to_challenge
from services.rules import RULES

__all__ = ["ChallengeView", "Projection", "StartupView", "apply", "project"]


class MilestoneView(BaseModel):
    key: str
    title: str
    due_on: date
    tranche_percent: int
    status: str = "planned"
    overdue: bool = False
    late: bool = False
    submissions: int = 0
    sent_back: int = 0


class PaymentView(BaseModel):
    payment_id: str
    milestone_key: str
    amount: Decimal
    status: str
    attempts: int = 0
    reason: str = ""


class ProcurementView(BaseModel):
    buyer_city: str
    procedure: str
    contract_value: Decimal
    awarded_on: date
    reference: str = ""


class OutcomeView(BaseModel):
    """What followed the pilot: the end of the funnel."""

    procurements: list[ProcurementView] = Field(default_factory=list)
    rolled_out_to: list[str] = Field(default_factory=list)
    stopped: str | None = None
    """The reason, when the follow-up was stopped."""

    @property
    def summary(self) -> str | None:
        kinds = ["procurement"] * bool(self.procurements) + ["roll-out"] * bool(self.rolled_out_to)
        return " + ".join(kinds) or ("stopped" if self.stopped else None)


class StartupView(BaseModel):
    """One startup's projected state. (Mutable defaults are factories: pydantic deep-copies a
    literal default for every new view, which a replay of a million events felt.)"""

    startup_id: str
    company_name: str = ""
    enterprise_number: str = ""
    kind: str = "company"
    country: str = "BE"
    registration_scheme: str | None = "be-enterprise"
    invited_idea: str | None = None
    challenge_id: str = ""
    city_id: str = ""
    requested_budget: Decimal = Decimal(0)
    phase: str = "applied"
    reviewers: list[str] = Field(default_factory=list)
    conflicts: list[str] = Field(default_factory=list)
    scores: dict[str, Decimal] = Field(default_factory=dict)
    average_score: Decimal | None = None
    cohort_id: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    milestones: dict[str, MilestoneView] = Field(default_factory=dict)
    payments: dict[str, PaymentView] = Field(default_factory=dict)
    expert_sessions: int = 0
    expert_hours: float = 0
    hardware_on_loan: list[str] = Field(default_factory=list)
    pilot_status: str = "none"
    pilot_city: str | None = None
    pilot_title: str | None = None
    pilot_rating: int | None = None
    outcome: OutcomeView = Field(default_factory=OutcomeView)
    events: int = 0
    updated_at: datetime | None = None

    @property
    def milestones_done(self) -> int:
        return sum(m.status == "approved" for m in self.milestones.values())

    @property
    def milestones_overdue(self) -> int:
        return sum(m.overdue and m.status != "approved" for m in self.milestones.values())

    def total(self, *statuses: str) -> Decimal:
        chosen = (p.amount for p in self.payments.values() if p.status in statuses)
        return sum(chosen, Decimal(0))

    @property
    def paid(self) -> Decimal:
        return self.total("disbursed")

    @property
    def remaining(self) -> Decimal:
        """What is left of the award: the requested budget, never more than the cap, less
        what the payments domain counts against it."""
        taken = committed((p.status, p.amount) for p in self.payments.values())
        return min(self.requested_budget, RULES.grant_cap) - taken


PHASES = {
    "applied": 0,
    "waitlisted": 1,
    "selected": 2,
    "rejected": 2,
    "accepted": 3,
    "declined": 3,
    "in accelerator": 4,
    "completed": 5,
    "terminated": 5,
    "withdrawn": 6,
}
"""A startup's phase only moves forward: its events come from several streams (and topics)."""


def advance(view: StartupView, phase: str) -> None:
    if PHASES[phase] >= PHASES[view.phase]:
        view.phase = phase


@singledispatch
def apply(event: Event, view: StartupView) -> None:
    """Change `view` in place for one event; event types it does not show are ignored."""


@apply.register
def _(event: ap.ApplicationSubmitted, view: StartupView) -> None:
    view.company_name = event.applicant_name
    view.enterprise_number = event.registration.number if event.registration else ""
    view.registration_scheme = event.registration.scheme.value if event.registration else None
    view.kind, view.country, view.invited_idea = event.kind.value, event.country, event.invited_idea
    view.challenge_id = event.challenge_id
    view.city_id = event.city_id
    view.requested_budget = event.requested_budget


@apply.register
def _(event: ap.ApplicationWithdrawn, view: StartupView) -> None:
    advance(view, "withdrawn")


@apply.register
def _(event: se.ReviewerAssigned, view: StartupView) -> None:
    view.reviewers.append(event.reviewer)


@apply.register
def _(event: se.ConflictOfInterestDeclared, view: StartupView) -> None:
    view.conflicts.append(event.reviewer)
    view.scores.pop(event.reviewer, None)


@apply.register
def _(event: se.ApplicationScored, view: StartupView) -> None:
    view.scores[event.reviewer] = event.weighted_score


@apply.register
def _(event: se.ApplicationDecided, view: StartupView) -> None:
    advance(view, event.decision.value)
    view.average_score = event.average_score


@apply.register
def _(event: se.OfferAccepted, view: StartupView) -> None:
    advance(view, "accepted")


@apply.register
def _(event: se.OfferDeclined, view: StartupView) -> None:
    advance(view, "declined")


@apply.register
def _(event: pr.AcceleratorStarted, view: StartupView) -> None:
    advance(view, "in accelerator")
    view.cohort_id, view.starts_on, view.ends_on = event.cohort_id, event.starts_on, event.ends_on
    for line in event.milestones:
        view.milestones[line.key] = MilestoneView(**line.model_dump())


@apply.register
def _(event: pr.AcceleratorCompleted, view: StartupView) -> None:
    advance(view, "completed")


@apply.register
def _(event: pr.ParticipationTerminated, view: StartupView) -> None:
    advance(view, "terminated")


@apply.register
def _(event: pr.ExpertSessionLogged, view: StartupView) -> None:
    view.expert_sessions += 1
    view.expert_hours += event.hours


@apply.register
def _(event: pr.HardwareLent, view: StartupView) -> None:
    view.hardware_on_loan = sorted([*view.hardware_on_loan, event.item_id])


@apply.register
def _(event: pr.HardwareReturned, view: StartupView) -> None:
    view.hardware_on_loan.remove(event.item_id)


@apply.register
def _(event: ms.MilestonePlanned, view: StartupView) -> None:
    old = view.milestones.get(event.key)
    new = MilestoneView(
        key=event.key, title=event.title, due_on=event.due_on, tranche_percent=event.tranche_percent
    )
    view.milestones[event.key] = old.model_copy(update=new.model_dump(exclude={"status"})) if old else new


@apply.register
def _(event: ms.DeliverableSubmitted, view: StartupView) -> None:
    milestone = view.milestones[event.key]
    milestone.status, milestone.late = "submitted", milestone.late or event.late
    milestone.submissions += 1


@apply.register
def _(event: ms.MilestoneApproved, view: StartupView) -> None:
    view.milestones[event.key].status = "approved"


@apply.register
def _(event: ms.MilestoneSentBack, view: StartupView) -> None:
    view.milestones[event.key].status = "sent back"
    view.milestones[event.key].sent_back += 1


@apply.register
def _(event: ms.MilestoneOverdue, view: StartupView) -> None:
    view.milestones[event.key].overdue = True


@apply.register
def _(event: pay.PaymentRequested, view: StartupView) -> None:
    view.payments[str(event.payment_id)] = PaymentView(
        payment_id=str(event.payment_id),
        milestone_key=event.milestone_key,
        amount=event.amount,
        status="requested",
    )


@apply.register
def _(event: pay.PaymentRejected, view: StartupView) -> None:
    view.payments[str(event.payment_id)] = PaymentView(
        payment_id=str(event.payment_id),
        milestone_key=event.payment_id.milestone_key,
        amount=event.amount,
        status="rejected",
        reason=event.reason,
    )


def _payment_status(event: pay.PaymentEvent, view: StartupView, status: str) -> None:
    payment = view.payments[str(event.payment_id)]
    payment.status = status
    payment.attempts = getattr(event, "attempt", payment.attempts)
    payment.reason = getattr(event, "reason", "")


@apply.register
def _(event: pay.PaymentApproved, view: StartupView) -> None:
    _payment_status(event, view, "approved")


@apply.register
def _(event: pay.PaymentInstructed, view: StartupView) -> None:
    _payment_status(event, view, "instructed")


@apply.register
def _(event: pay.PaymentFailed, view: StartupView) -> None:
    _payment_status(event, view, "failed")


@apply.register
def _(event: pay.PaymentDisbursed, view: StartupView) -> None:
    _payment_status(event, view, "disbursed")


@apply.register
def _(event: pi.PilotProposed, view: StartupView) -> None:
    view.pilot_status, view.pilot_city, view.pilot_title = "proposed", event.pilot_city, event.title
    view.pilot_rating = None


@apply.register
def _(event: pi.PilotApproved, view: StartupView) -> None:
    view.pilot_status = "approved"


@apply.register
def _(event: pi.PilotStarted, view: StartupView) -> None:
    view.pilot_status = "started"


@apply.register
def _(event: pi.PilotCompleted, view: StartupView) -> None:
    view.pilot_status, view.pilot_rating = "completed", event.rating


@apply.register
def _(event: pi.PilotCancelled, view: StartupView) -> None:
    view.pilot_status = "cancelled"


@apply.register
def _(event: pi.ProcurementAwarded, view: StartupView) -> None:
    view.outcome.procurements.append(
        ProcurementView(**event.model_dump(mode="json", exclude={"startup_id", "city_id"}))
    )


@apply.register
def _(event: pi.RollOutAgreed, view: StartupView) -> None:
    view.outcome.rolled_out_to = [*view.outcome.rolled_out_to, *event.cities]


@apply.register
def _(event: pi.FollowUpStopped, view: StartupView) -> None:
    view.outcome.stopped = event.reason


STARTUP_EVENTS = (ap.ApplicationSubmitted,)  # the event that creates a startup's view


def project(view: StartupView | None, event: Event, time: datetime) -> StartupView | None:
    """One event onto one startup's view (created by its application)."""
    if view is None:
        if not isinstance(event, STARTUP_EVENTS):
            return None
        view = StartupView(startup_id=event.subject)
    apply(event, view)
    view.events += 1
    if view.updated_at is None or time > view.updated_at:  # as max(): an equal time keeps the first
        view.updated_at = time
    return view


class Projection:
    """Views built from a run of events; `load_*` fetch the views the run did not create."""

    def __init__(
        self,
        load_startup: Callable[[str], StartupView | None] = lambda _id: None,
        load_challenge: Callable[[str], ChallengeView | None] = lambda _id: None,
    ) -> None:
        self.startups: dict[str, StartupView] = {}
        self.challenges: dict[str, ChallengeView] = {}
        self._load_startup = load_startup
        self._load_challenge = load_challenge

    def apply(self, event: Event, time: datetime) -> None:
        subject = event.subject
        if isinstance(event, pr.ChallengeEvent):
            challenge = apply_to_challenge(event, self._challenge(subject), time)
            if challenge is not None:
                self.challenges[subject] = challenge
            return
        startup = project(self._startup(subject), event, time)
        if startup is not None:
            self.startups[subject] = startup

    def _startup(self, startup_id: str) -> StartupView | None:
        return self.startups.get(startup_id) or self._load_startup(startup_id)

    def _challenge(self, challenge_id: str) -> ChallengeView | None:
        return self.challenges.get(challenge_id) or self._load_challenge(challenge_id)
