"""Commands of the payments service: proof-of-concept grant tranches."""

from __future__ import annotations

from decimal import Decimal

from events.base import Slug, Text
from services.kernel import Command


class RequestPayment(Command):
    startup_id: str
    milestone_key: Slug
    amount: Decimal
    iban: str


class ApprovePayment(Command):
    payment_id: str


class RejectPayment(Command):
    payment_id: str
    reason: Text


class InstructPayment(Command):
    payment_id: str


class RecordDisbursement(Command):
    payment_id: str
    bank_reference: str = ""


class RecordPaymentFailure(Command):
    payment_id: str
    reason: Text


class RetryPayment(Command):
    payment_id: str


def startup_of(payment_id: str) -> str:
    """Payment ids are `<startup>/<milestone>/<n>`: the startup's grant stream owns them."""
    return payment_id.split("/", 1)[0]
