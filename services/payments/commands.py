"""Commands of the payments service: grant agreements, tranches, SEPA exports.

Every grant command is about one startup's grant stream (its single writer): an agreement
or a request names the startup, the others a payment id, which says whose grant it belongs
to. `ExportPayments` writes the programme's exports stream, the single writer of exports.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import Field

from events.base import Actor, Plain, Slug, Text
from events.ids import PaymentId
from services.kernel import Command, StartupCommand


class AgreeGrant(StartupCommand):
    """The grant agreement: award, beneficiary account, and (optionally) its own tranche
    schedule, milestone -> percent (default: the programme's)."""

    award: Decimal
    iban: Plain
    bic: Plain = ""
    account_holder: Text
    tranches: dict[Slug, int] | None = None


class ChangeBeneficiaryAccount(StartupCommand):
    iban: Plain
    bic: Plain = ""
    account_holder: Text


class RequestPayment(StartupCommand):
    """A tranche asked for by a person. Without an amount: the agreement's tranche. Without an
    IBAN: the agreement's account (an IBAN is needed only for a grant without agreement)."""

    milestone_key: Slug
    amount: Decimal | None = None
    iban: Plain | None = None


class RequestTranche(StartupCommand):
    """A policy's request for the tranche an approved milestone releases: nothing when there
    is no agreement, no tranche for that milestone, or one is already live."""

    milestone_key: Slug
    milestone_approved_by: Actor | None = None


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
    """The bank (or finance) says the transfer was made. With `end_to_end_id` it names the
    attempt; a report for an older attempt than the current one is refused or ignored."""

    bank_reference: Plain = ""
    end_to_end_id: Plain = ""
    booked_on: date | None = None


class RecordPaymentFailure(PaymentCommand):
    reason: Text
    end_to_end_id: Plain = ""


class RetryPayment(PaymentCommand):
    pass


class ExportPayments(Command):
    """Put every instructed attempt not yet in a file into one pain.001 file."""

    programme: Slug
    debtor_name: Text
    debtor_iban: Plain
    debtor_bic: Plain = ""
    message: str = Field(default="pain.001.001.09", pattern=r"^pain\.001\.001\.(03|09)$")
    execution_date: date | None = None
    """Default: the day of the export."""

    def aggregate_id(self) -> str:
        return self.programme
