"""The proof-of-concept grant: at most EUR 10,000 per startup, paid in tranches.

Rule: every euro requested, approved, instructed or disbursed counts against the cap until it
is rejected; a request or approval that would pass the cap becomes `PaymentRejected` with the
reason. One grant stream per startup is the single writer of its payments, so two requests
can never both pass the cap. Payment ids are stable; finance's answers are idempotent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from stdnum import iban as iban_number
from stdnum.exceptions import ValidationError

from events.base import Event
from events.ids import PaymentId
from events.payments import (
    PaymentApproved,
    PaymentDisbursed,
    PaymentFailed,
    PaymentInstructed,
    PaymentRejected,
    PaymentRequested,
)
from services.intake.domain import APPLICATION
from services.kernel import Command, Context, Decider, Rejected, unhandled
from services.participation.domain import PARTICIPATION, MilestoneStatus, Participation, Status
from services.payments.commands import (
    ApprovePayment,
    InstructPayment,
    RecordDisbursement,
    RecordPaymentFailure,
    RejectPayment,
    RequestPayment,
    RetryPayment,
)
from services.rules import ProgrammeRules


class PaymentStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    INSTRUCTED = "instructed"
    FAILED = "failed"
    DISBURSED = "disbursed"


COMMITTED = frozenset(
    {
        PaymentStatus.REQUESTED,
        PaymentStatus.APPROVED,
        PaymentStatus.INSTRUCTED,
        PaymentStatus.FAILED,
        PaymentStatus.DISBURSED,
    }
)
"""Every status but rejected holds its amount against the cap: a failed transfer is retried."""


def committed(amounts: Iterable[tuple[str, Decimal]]) -> Decimal:
    """The part of the award taken by these (status, amount) payments."""
    return sum((amount for status, amount in amounts if status in COMMITTED), Decimal(0))


@dataclass(frozen=True)
class Payment:
    payment_id: PaymentId
    milestone_key: str
    amount: Decimal
    iban: str
    status: PaymentStatus = PaymentStatus.REQUESTED
    attempts: int = 0
    bank_reference: str = ""


@dataclass(frozen=True)
class Grant:
    city_id: str = ""
    payments: Mapping[PaymentId, Payment] = field(default_factory=lambda: MappingProxyType({}))

    def committed(self) -> Decimal:
        return committed((p.status, p.amount) for p in self.payments.values())

    def paid(self) -> Decimal:
        done = (p.amount for p in self.payments.values() if p.status is PaymentStatus.DISBURSED)
        return sum(done, Decimal(0))

    def with_payment(self, payment: Payment) -> Grant:
        return replace(self, payments={**self.payments, payment.payment_id: payment})


def evolve(state: Grant, event: Event) -> Grant:
    match event:
        case PaymentRequested():
            payment = Payment(event.payment_id, event.milestone_key, event.amount, event.iban)
            return replace(state, city_id=event.city_id).with_payment(payment)
        case PaymentApproved():
            return _set(state, event.payment_id, status=PaymentStatus.APPROVED)
        case PaymentRejected() if event.payment_id in state.payments:
            return _set(state, event.payment_id, status=PaymentStatus.REJECTED)
        case PaymentRejected():  # refused at request: kept so that its id is never reused
            payment_id = event.payment_id
            refused = Payment(payment_id, payment_id.milestone_key, event.amount, "", PaymentStatus.REJECTED)
            return replace(state, city_id=event.city_id).with_payment(refused)
        case PaymentInstructed():
            return _set(state, event.payment_id, status=PaymentStatus.INSTRUCTED, attempts=event.attempt)
        case PaymentFailed():
            return _set(state, event.payment_id, status=PaymentStatus.FAILED)
        case PaymentDisbursed():
            changes = {"status": PaymentStatus.DISBURSED, "bank_reference": event.bank_reference}
            return _set(state, event.payment_id, **changes)
    return state


def _set(state: Grant, payment_id: PaymentId, **changes: object) -> Grant:
    return state.with_payment(replace(state.payments[payment_id], **changes))  # type: ignore[arg-type]


def decide(state: Grant, command: Command, context: Context) -> list[Event]:
    match command:
        case RequestPayment():
            participation = context.read(PARTICIPATION, command.startup_id)
            award = context.read(APPLICATION, command.startup_id).requested_budget
            return request(state, command, participation, award, context.rules)
        case ApprovePayment():
            return approve(state, command, context.rules)
        case RejectPayment():
            return reject(state, command)
        case InstructPayment():
            return instruct(state, command)
        case RecordDisbursement():
            return record_disbursement(state, command)
        case RecordPaymentFailure():
            return record_failure(state, command)
        case RetryPayment():
            return retry(state, command)
    unhandled(command)


def valid_iban(raw: str) -> str:
    try:
        return str(iban_number.validate(raw))
    except ValidationError as error:
        raise Rejected("iban", f"{raw!r} is not a valid IBAN ({error})") from error


def request(
    state: Grant,
    cmd: RequestPayment,
    participation: Participation,
    award: Decimal,
    rules: ProgrammeRules,
) -> list[Event]:
    """A tranche of the startup's award (its requested budget), never past the programme cap."""
    if participation.status is Status.NOT_STARTED:
        raise Rejected("startup_id", f"{cmd.startup_id} is not in the accelerator")
    if cmd.amount <= 0 or cmd.amount != round(cmd.amount, 2):
        raise Rejected("amount", f"must be a positive amount in whole cents (got {cmd.amount})")
    iban = valid_iban(cmd.iban)
    milestone = participation.milestones.get(cmd.milestone_key)
    if milestone is None or milestone.status is not MilestoneStatus.APPROVED:
        raise Rejected("milestone_key", f"milestone {cmd.milestone_key} is not approved")
    earlier = [p for p in state.payments.values() if p.milestone_key == cmd.milestone_key]
    live = [p for p in earlier if p.status is not PaymentStatus.REJECTED]
    if live:
        raise Rejected("milestone_key", f"a tranche for {cmd.milestone_key} is already {live[0].payment_id}")
    payment_id = PaymentId.of(cmd.startup_id, cmd.milestone_key, len(earlier) + 1)
    city = participation.city_id
    over = _over_cap(state.committed(), cmd.amount, rules.grant_cap) or _over_award(
        state.committed(), cmd.amount, award
    )
    if over:
        return [
            PaymentRejected(
                startup_id=cmd.startup_id, city_id=city, payment_id=payment_id, amount=cmd.amount, reason=over
            )
        ]
    return [
        PaymentRequested(
            startup_id=cmd.startup_id,
            city_id=city,
            payment_id=payment_id,
            milestone_key=cmd.milestone_key,
            amount=cmd.amount,
            iban=iban,
        )
    ]


def _over_cap(committed: Decimal, amount: Decimal, cap: Decimal) -> str | None:
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


def _payment(state: Grant, payment_id: PaymentId, *allowed: PaymentStatus) -> Payment:
    payment = state.payments.get(payment_id)
    if payment is None:
        raise Rejected("payment_id", f"no payment {payment_id}")
    if payment.status not in allowed:
        wanted = " or ".join(allowed)
        raise Rejected("payment_id", f"{payment_id} is {payment.status}, not {wanted}")
    return payment


def _event(state: Grant, payment: Payment, cls: Callable[..., Event], **fields: object) -> Event:
    return cls(
        startup_id=payment.payment_id.startup_id,
        city_id=state.city_id,
        payment_id=payment.payment_id,
        amount=payment.amount,
        **fields,
    )


def approve(state: Grant, cmd: ApprovePayment, rules: ProgrammeRules) -> list[Event]:
    payment = _payment(state, cmd.payment_id, PaymentStatus.REQUESTED)
    over = _over_cap(state.committed() - payment.amount, payment.amount, rules.grant_cap)
    if over:  # only if the cap was lowered since the request
        return [_event(state, payment, PaymentRejected, reason=over)]
    return [_event(state, payment, PaymentApproved)]


def reject(state: Grant, cmd: RejectPayment) -> list[Event]:
    payment = _payment(state, cmd.payment_id, PaymentStatus.REQUESTED, PaymentStatus.APPROVED)
    return [_event(state, payment, PaymentRejected, reason=cmd.reason)]


def instruct(state: Grant, cmd: InstructPayment) -> list[Event]:
    payment = state.payments.get(cmd.payment_id)
    if payment is None or payment.status is not PaymentStatus.APPROVED:
        return []  # already instructed: asking again after a crash changes nothing
    return [_event(state, payment, PaymentInstructed, iban=payment.iban, attempt=1)]


def record_disbursement(state: Grant, cmd: RecordDisbursement) -> list[Event]:
    payment = _payment(state, cmd.payment_id, PaymentStatus.INSTRUCTED, PaymentStatus.DISBURSED)
    if payment.status is PaymentStatus.DISBURSED and cmd.bank_reference in ("", payment.bank_reference):
        return []  # finance told us twice
    if payment.status is PaymentStatus.DISBURSED:
        # Another bank reference for a payment already paid: possibly a second transfer.
        raise Rejected(
            "bank_reference",
            f"{cmd.payment_id} was already disbursed with bank reference "
            f"{payment.bank_reference or '(none)'}, not {cmd.bank_reference}: check for a double transfer",
        )
    return [
        _event(state, payment, PaymentDisbursed, attempt=payment.attempts, bank_reference=cmd.bank_reference)
    ]


def record_failure(state: Grant, cmd: RecordPaymentFailure) -> list[Event]:
    payment = _payment(state, cmd.payment_id, PaymentStatus.INSTRUCTED, PaymentStatus.FAILED)
    if payment.status is PaymentStatus.FAILED:
        return []
    return [_event(state, payment, PaymentFailed, attempt=payment.attempts, reason=cmd.reason)]


def retry(state: Grant, cmd: RetryPayment) -> list[Event]:
    payment = _payment(state, cmd.payment_id, PaymentStatus.FAILED)
    return [_event(state, payment, PaymentInstructed, iban=payment.iban, attempt=payment.attempts + 1)]


def instructs_payments(event: Event) -> list[Command]:
    """Policy: an approved payment is instructed to finance."""
    match event:
        case PaymentApproved():
            return [InstructPayment(payment_id=event.payment_id)]
    return []


GRANT = Decider(
    "grant",
    Grant(),
    evolve,
    decide,
    (
        RequestPayment,
        ApprovePayment,
        RejectPayment,
        InstructPayment,
        RecordDisbursement,
        RecordPaymentFailure,
        RetryPayment,
    ),
)
