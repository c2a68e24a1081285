"""Requesting a tranche (on the startup's grant stream): by a person, or by the policy when a
milestone is approved.

Rules: the startup is in the accelerator and the milestone approved; one live tranche per
milestone; the amount is the agreement's tranche unless a person says otherwise, in whole
cents; the account is the agreement's (or, for a grant without agreement, the IBAN given);
every euro requested counts against the cap and the award, and a request past either is kept
on record as `PaymentRejected` with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from events.base import Event
from events.ids import PaymentId
from events.payments import PaymentRejected, PaymentRequested
from services.intake.domain import APPLICATION
from services.kernel import Context, Rejected
from services.participation.domain import PARTICIPATION, MilestoneStatus, Participation, Status
from services.payments.accounts import valid_iban
from services.payments.agreement import whole_cents
from services.payments.commands import RequestPayment, RequestTranche
from services.payments.state import Grant


def request(state: Grant, cmd: RequestPayment, context: Context) -> list[Event]:
    """A tranche asked for by a person: the agreement's amount and account unless told."""
    participation = _in_accelerator(cmd.startup_id, context)
    agreement = state.agreement
    amount = _amount(cmd, agreement.tranches if agreement else {})
    if agreement is None:
        if not cmd.iban:
            raise Rejected("iban", f"{cmd.startup_id} has no grant agreement: give the IBAN to pay")
        iban = valid_iban(cmd.iban).compact
    else:
        iban = agreement.account.iban
        if cmd.iban and valid_iban(cmd.iban).compact != iban:
            raise Rejected("iban", "the grant agreement pays another account: change the account first")
    _milestone_approved(participation, cmd.milestone_key)
    if live := state.live(cmd.milestone_key):
        raise Rejected("milestone_key", f"a tranche for {cmd.milestone_key} is already {live.payment_id}")
    return _requested(state, cmd.startup_id, cmd.milestone_key, amount, iban, participation, context)


def _amount(cmd: RequestPayment, tranches: Mapping[str, Decimal]) -> Decimal:
    if cmd.amount is not None:
        return whole_cents(cmd.amount, "amount")
    if cmd.milestone_key not in tranches:
        raise Rejected(
            "amount", f"no grant agreement sets a tranche for {cmd.milestone_key}: give the amount"
        )
    return tranches[cmd.milestone_key]


def request_tranche(state: Grant, cmd: RequestTranche, context: Context) -> list[Event]:
    """The policy's request: the agreement's tranche once, and nothing in every other case
    (no agreement, no tranche there, a payment for that milestone already — even one rejected
    since: then a person asks again). A redelivery therefore asks for nothing."""
    agreement = state.agreement
    asked = any(p.milestone_key == cmd.milestone_key for p in state.payments.values())
    if agreement is None or cmd.milestone_key not in agreement.tranches or asked:
        return []
    participation = context.read(PARTICIPATION, cmd.startup_id)
    milestone = participation.milestones.get(cmd.milestone_key)
    if milestone is None or milestone.status is not MilestoneStatus.APPROVED:
        return []
    amount = agreement.tranches[cmd.milestone_key]
    iban = agreement.account.iban
    requested = _requested(state, cmd.startup_id, cmd.milestone_key, amount, iban, participation, context)
    return [_on_approval_of(e, cmd.milestone_approved_by) for e in requested]


def _on_approval_of(event: Event, person: str | None) -> Event:
    if isinstance(event, PaymentRequested) and person:
        return event.model_copy(update={"on_approval_of": person})
    return event


def _in_accelerator(startup_id: str, context: Context) -> Participation:
    participation: Participation = context.read(PARTICIPATION, startup_id)
    if participation.status is Status.NOT_STARTED:
        raise Rejected("startup_id", f"{startup_id} is not in the accelerator")
    return participation


def _milestone_approved(participation: Participation, key: str) -> None:
    milestone = participation.milestones.get(key)
    if milestone is None or milestone.status is not MilestoneStatus.APPROVED:
        raise Rejected("milestone_key", f"milestone {key} is not approved")


def _requested(
    state: Grant,
    startup_id: str,
    key: str,
    amount: Decimal,
    iban: str,
    participation: Participation,
    context: Context,
) -> list[Event]:
    earlier = [p for p in state.payments.values() if p.milestone_key == key]
    payment_id = PaymentId.of(startup_id, key, len(earlier) + 1)
    award = (
        state.agreement.award if state.agreement else context.read(APPLICATION, startup_id).requested_budget
    )
    taken = state.committed()
    over = over_cap(taken, amount, context.rules.grant_cap) or _over_award(taken, amount, award)
    city = participation.city_id
    if over:
        return [
            PaymentRejected(
                startup_id=startup_id, city_id=city, payment_id=payment_id, amount=amount, reason=over
            )
        ]
    return [
        PaymentRequested(
            startup_id=startup_id,
            city_id=city,
            payment_id=payment_id,
            milestone_key=key,
            amount=amount,
            iban=iban,
            requested_by=context.actor,
        )
    ]


def over_cap(committed: Decimal, amount: Decimal, cap: Decimal) -> str | None:
    if committed + amount <= cap:
        return None
    return (
        f"amount: EUR {amount:,.2f} would bring the grant to EUR {committed + amount:,.2f}, "
        f"above the EUR {cap:,.0f} cap (EUR {cap - committed:,.2f} left)"
    )


def _over_award(committed: Decimal, amount: Decimal, award: Decimal) -> str | None:
    if committed + amount <= award:
        return None
    return (
        f"amount: EUR {amount:,.2f} would bring the grant to EUR {committed + amount:,.2f}, "
        f"above the EUR {award:,.2f} this startup was awarded (EUR {award - committed:,.2f} left)"
    )
