"""Commands of the payments service: proof-of-concept grant tranches.

Every command is about one startup's grant stream (its single writer): a request names the
startup, the others a payment id, which says whose grant it belongs to.
"""

from __future__ import annotations

from decimal import Decimal

from events.base import Plain, Slug, Text
from events.ids import PaymentId
from services.kernel import Command, StartupCommand


class RequestPayment(StartupCommand):
    milestone_key: Slug
    amount: Decimal
    iban: Plain


class PaymentCommand(Command):
    payment_id: PaymentId

    def aggregate_id(self) -> str:
        return self.payment_id.startup_id


class ApprovePayment(PaymentCommand):
    pass


class RejectPayment(PaymentCommand):
    reason: Text


class InstructPayment(PaymentCommand):
    pass


class RecordDisbursement(PaymentCommand):
    bank_reference: Plain = ""


class RecordPaymentFailure(PaymentCommand):
    reason: Text


class RetryPayment(PaymentCommand):
    pass
