"""The state of one startup's grant, folded from its grant stream: the agreement and every
payment with its status, attempts, end-to-end ids and who requested and approved it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from events.base import Event
from events.grants import BeneficiaryAccountChanged, GrantAgreed
from events.ids import PaymentId
from events.payments import (
    PaymentApproved,
    PaymentDisbursed,
    PaymentFailed,
    PaymentInstructed,
    PaymentRejected,
    PaymentRequested,
)
from services.payments.accounts import Account


class PaymentStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    INSTRUCTED = "instructed"
    FAILED = "failed"
    DISBURSED = "disbursed"


COMMITTED = frozenset(set(PaymentStatus) - {PaymentStatus.REJECTED})
"""Every status but rejected holds its amount against the cap: a failed transfer is retried."""


def committed(amounts: Iterable[tuple[str, Decimal]]) -> Decimal:
    """The part of the award taken by these (status, amount) payments."""
    return sum((amount for status, amount in amounts if status in COMMITTED), Decimal(0))


def end_to_end_id(payment_id: str, attempt: int) -> str:
    """The SEPA EndToEndId of one attempt (at most 35 characters, SEPA's character set):
    the payment id and attempt when they fit, else the startup, a digest and the attempt."""
    readable = f"{payment_id}/{attempt}"
    if len(readable) <= 35:
        return readable
    digest = hashlib.sha256(readable.encode()).hexdigest()[:12]
    return f"{PaymentId(payment_id).startup_id[:16]}/{digest}/{attempt}"


@dataclass(frozen=True)
class Payment:
    payment_id: PaymentId
    milestone_key: str
    amount: Decimal
    iban: str
    status: PaymentStatus = PaymentStatus.REQUESTED
    attempts: int = 0
    bank_reference: str = ""
    requested_by: str | None = None
    on_approval_of: str | None = None
    approved_by: str | None = None
    end_to_end_ids: tuple[str, ...] = ()
    """One per attempt, in order: the last is the current attempt's."""
    account: Account | None = None
    """Where the current attempt was instructed to pay."""

    @property
    def end_to_end_id(self) -> str:
        return self.end_to_end_ids[-1] if self.end_to_end_ids else ""


@dataclass(frozen=True)
class Agreement:
    award: Decimal
    tranches: Mapping[str, Decimal]
    """Milestone -> the amount it releases."""
    account: Account


@dataclass(frozen=True)
class Grant:
    city_id: str = ""
    payments: Mapping[PaymentId, Payment] = field(default_factory=lambda: MappingProxyType({}))
    agreement: Agreement | None = None

    def committed(self) -> Decimal:
        return committed((p.status, p.amount) for p in self.payments.values())

    def paid(self) -> Decimal:
        done = (p.amount for p in self.payments.values() if p.status is PaymentStatus.DISBURSED)
        return sum(done, Decimal(0))

    def in_flight(self) -> list[Payment]:
        """Payments instructed to the bank and not yet settled (disbursed or failed)."""
        return [p for p in self.payments.values() if p.status is PaymentStatus.INSTRUCTED]

    def live(self, milestone_key: str) -> Payment | None:
        """The payment of this milestone that is not rejected, if any."""
        mine = (p for p in self.payments.values() if p.milestone_key == milestone_key)
        return next((p for p in mine if p.status is not PaymentStatus.REJECTED), None)

    def with_payment(self, payment: Payment) -> Grant:
        return replace(self, payments={**self.payments, payment.payment_id: payment})


def evolve(state: Grant, event: Event) -> Grant:
    match event:
        case GrantAgreed():
            tranches = {t.milestone_key: t.amount for t in event.tranches}
            agreed = Agreement(event.award, tranches, Account(event.iban, event.bic, event.account_holder))
            return replace(state, city_id=event.city_id, agreement=agreed)
        case BeneficiaryAccountChanged() if state.agreement is not None:
            changed = Account(event.iban, event.bic, event.account_holder)
            return replace(state, agreement=replace(state.agreement, account=changed))
        case PaymentRequested():
            payment = Payment(
                event.payment_id,
                event.milestone_key,
                event.amount,
                event.iban,
                requested_by=event.requested_by,
                on_approval_of=event.on_approval_of,
            )
            return replace(state, city_id=event.city_id).with_payment(payment)
        case PaymentApproved():
            return _set(state, event.payment_id, status=PaymentStatus.APPROVED, approved_by=event.approved_by)
        case PaymentRejected() if event.payment_id in state.payments:
            return _set(state, event.payment_id, status=PaymentStatus.REJECTED)
        case PaymentRejected():  # refused at request: kept so that its id is never reused
            payment_id = event.payment_id
            refused = Payment(payment_id, payment_id.milestone_key, event.amount, "", PaymentStatus.REJECTED)
            return replace(state, city_id=event.city_id).with_payment(refused)
        case PaymentInstructed():
            known = state.payments[event.payment_id].end_to_end_ids
            e2e = event.end_to_end_id or end_to_end_id(event.payment_id, event.attempt)
            paid_to = Account(event.iban, event.bic, event.account_holder)
            changes = {"status": PaymentStatus.INSTRUCTED, "attempts": event.attempt, "account": paid_to}
            return _set(state, event.payment_id, **changes, end_to_end_ids=(*known, e2e))
        case PaymentFailed():
            return _set(state, event.payment_id, status=PaymentStatus.FAILED)
        case PaymentDisbursed():
            changes = {"status": PaymentStatus.DISBURSED, "bank_reference": event.bank_reference}
            return _set(state, event.payment_id, **changes)
    return state


def _set(state: Grant, payment_id: PaymentId, **changes: object) -> Grant:
    return state.with_payment(replace(state.payments[payment_id], **changes))  # type: ignore[arg-type]
