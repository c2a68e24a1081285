"""The proof-of-concept grant: at most EUR 10,000 per startup, paid in tranches.

Rule: every euro requested, approved, instructed or disbursed counts against the cap until it
is rejected; a request or approval that would pass the cap (or the startup's award) becomes
`PaymentRejected` with the reason. One grant stream per startup is the single writer of its
agreement and payments, so two requests can never both pass the cap. Four eyes: a person
approves, never the one who requested; the approver does not confirm the disbursement when
the rules say so. Payment ids are stable; finance's and the bank's answers are idempotent.
"""

from __future__ import annotations

from collections.abc import Callable

from events.base import Event
from events.ids import PaymentId
from events.milestones import MilestoneApproved
from events.payments import (
    PaymentApproved,
    PaymentDisbursed,
    PaymentFailed,
    PaymentInstructed,
    PaymentRejected,
)
from services.intake.domain import APPLICATION
from services.kernel import Command, Context, Decider, Rejected, same_actor, unhandled
from services.participation.domain import PARTICIPATION
from services.payments import requests
from services.payments.agreement import agree, change_account
from services.payments.commands import (
    AgreeGrant,
    ApprovePayment,
    ChangeBeneficiaryAccount,
    InstructPayment,
    RecordDisbursement,
    RecordPaymentFailure,
    RejectPayment,
    RequestPayment,
    RequestTranche,
    RetryPayment,
)
from services.payments.state import (
    COMMITTED,
    Grant,
    Payment,
    PaymentStatus,
    committed,
    end_to_end_id,
    evolve,
)

__all__ = ["COMMITTED", "GRANT", "Grant", "Payment", "PaymentStatus", "committed", "end_to_end_id"]


def decide(state: Grant, command: Command, context: Context) -> list[Event]:
    match command:
        case AgreeGrant():
            application = context.read(APPLICATION, command.startup_id)
            return agree(
                state, command, application, context.read(PARTICIPATION, command.startup_id), context
            )
        case ChangeBeneficiaryAccount():
            return change_account(state, command, context)
        case RequestPayment():
            return requests.request(state, command, context)
        case RequestTranche():
            return requests.request_tranche(state, command, context)
        case ApprovePayment():
            return approve(state, command, context)
        case RejectPayment():
            return reject(state, command, context)
        case InstructPayment():
            return instruct(state, command)
        case RecordDisbursement():
            return record_disbursement(state, command, context)
        case RecordPaymentFailure():
            return record_failure(state, command)
        case RetryPayment():
            return retry(state, command)
    unhandled(command)


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


def approve(state: Grant, cmd: ApprovePayment, context: Context) -> list[Event]:
    if context.by_system:
        raise Rejected("actor", f"{context.actor} may not approve payments: a person approves them")
    payment = _payment(state, cmd.payment_id, PaymentStatus.REQUESTED)
    if same_actor(context.actor, payment.requested_by):
        raise Rejected(
            "actor", f"{context.actor} requested {cmd.payment_id} and may not also approve it (four eyes)"
        )
    if same_actor(context.actor, payment.on_approval_of):
        raise Rejected(
            "actor",
            f"{context.actor} approved the milestone that requested {cmd.payment_id} "
            "and may not also approve the payment (four eyes)",
        )
    over = requests.over_cap(state.committed() - payment.amount, payment.amount, context.rules.grant_cap)
    if over:  # only if the cap was lowered since the request
        return [_event(state, payment, PaymentRejected, reason=over)]
    return [_event(state, payment, PaymentApproved, approved_by=context.actor)]


def reject(state: Grant, cmd: RejectPayment, context: Context) -> list[Event]:
    payment = _payment(state, cmd.payment_id, PaymentStatus.REQUESTED, PaymentStatus.APPROVED)
    return [_event(state, payment, PaymentRejected, reason=cmd.reason, rejected_by=context.actor)]


def _instructed(state: Grant, payment: Payment, attempt: int) -> Event:
    """An attempt to the agreement's account as it is now (or, without an agreement, the IBAN
    of the request), under its own end-to-end id."""
    account = state.agreement.account if state.agreement else None
    return _event(
        state,
        payment,
        PaymentInstructed,
        iban=account.iban if account else payment.iban,
        bic=account.bic if account else "",
        account_holder=account.holder if account else "",
        attempt=attempt,
        end_to_end_id=end_to_end_id(payment.payment_id, attempt),
    )


def instruct(state: Grant, cmd: InstructPayment) -> list[Event]:
    payment = state.payments.get(cmd.payment_id)
    if payment is None or payment.status is not PaymentStatus.APPROVED:
        return []  # already instructed: asking again after a crash changes nothing
    return [_instructed(state, payment, 1)]


def _attempt_of(payment: Payment, e2e: str) -> int:
    """Which attempt an end-to-end id names (the current one when none is given)."""
    if not e2e:
        return payment.attempts
    if e2e not in payment.end_to_end_ids:
        raise Rejected("end_to_end_id", f"{e2e} is not an end-to-end id of {payment.payment_id}")
    return payment.end_to_end_ids.index(e2e) + 1


def record_disbursement(state: Grant, cmd: RecordDisbursement, context: Context) -> list[Event]:
    payment = _payment(state, cmd.payment_id, PaymentStatus.INSTRUCTED, PaymentStatus.DISBURSED)
    if _attempt_of(payment, cmd.end_to_end_id) != payment.attempts:
        raise Rejected(
            "end_to_end_id",
            f"the bank paid {cmd.end_to_end_id}, an attempt of {cmd.payment_id} recorded as failed and "
            f"retried as {payment.end_to_end_id}: check for a double transfer",
        )
    if payment.status is PaymentStatus.DISBURSED and cmd.bank_reference in ("", payment.bank_reference):
        return []  # finance told us twice
    if payment.status is PaymentStatus.DISBURSED:
        # Another bank reference for a payment already paid: possibly a second transfer.
        raise Rejected(
            "bank_reference",
            f"{cmd.payment_id} was already disbursed with bank reference "
            f"{payment.bank_reference or '(none)'}, not {cmd.bank_reference}: check for a double transfer",
        )
    if context.rules.four_eyes_disbursement and same_actor(context.actor, payment.approved_by):
        raise Rejected(
            "actor",
            f"{context.actor} approved {cmd.payment_id} and may not also confirm it was paid (four eyes)",
        )
    fields = {
        "bank_reference": cmd.bank_reference,
        "end_to_end_id": payment.end_to_end_id,
        "booked_on": cmd.booked_on,
    }
    return [
        _event(
            state, payment, PaymentDisbursed, attempt=payment.attempts, confirmed_by=context.actor, **fields
        )
    ]


def record_failure(state: Grant, cmd: RecordPaymentFailure) -> list[Event]:
    payment = state.payments.get(cmd.payment_id)
    if payment is not None and _attempt_of(payment, cmd.end_to_end_id) < payment.attempts:
        return []  # an earlier attempt's failure, already recorded and retried
    payment = _payment(state, cmd.payment_id, PaymentStatus.INSTRUCTED, PaymentStatus.FAILED)
    if payment.status is PaymentStatus.FAILED:
        return []
    fields = {"reason": cmd.reason, "end_to_end_id": payment.end_to_end_id}
    return [_event(state, payment, PaymentFailed, attempt=payment.attempts, **fields)]


def retry(state: Grant, cmd: RetryPayment) -> list[Event]:
    payment = _payment(state, cmd.payment_id, PaymentStatus.FAILED)
    return [_instructed(state, payment, payment.attempts + 1)]


def instructs_payments(event: Event) -> list[Command]:
    """Policy: an approved payment is instructed to finance."""
    match event:
        case PaymentApproved():
            return [InstructPayment(payment_id=event.payment_id)]
    return []


def requests_tranches(event: Event) -> list[Command]:
    """Policy: an approved milestone asks for the tranche the startup's agreement ties to it."""
    match event:
        case MilestoneApproved():
            return [
                RequestTranche(
                    startup_id=event.startup_id,
                    milestone_key=event.key,
                    milestone_approved_by=event.approved_by,
                )
            ]
    return []


GRANT = Decider(
    "grant",
    Grant(),
    evolve,
    decide,
    (
        AgreeGrant,
        ChangeBeneficiaryAccount,
        RequestPayment,
        RequestTranche,
        ApprovePayment,
        RejectPayment,
        InstructPayment,
        RecordDisbursement,
        RecordPaymentFailure,
        RetryPayment,
    ),
)
