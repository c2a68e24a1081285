"""Payment events: proof-of-concept grant tranches, from request to disbursement.

The finance contract: a `PaymentInstructed` asks finance to transfer `amount` euros to
`iban` (`bic`, `account_holder`) for `payment_id`, attempt `attempt`, under the SEPA
end-to-end id `end_to_end_id` (one per attempt: a retry is a new transfer with a new id);
finance answers with `PaymentDisbursed` or `PaymentFailed` for the same payment and attempt.
Who requested, approved and confirmed a payment are domain facts (`requested_by`, ...): the
four-eyes rules are decided on them.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from events.base import Actor, Euros, Plain, Slug, StartupEvent, Text
from events.ids import PaymentId

ACCOUNT = frozenset({"iban", "bic", "account_holder"})
"""Banking data: never on a city's topic."""


class PaymentEvent(StartupEvent):
    family = "payments"
    city_id: Slug
    payment_id: PaymentId


class PaymentRequested(PaymentEvent):
    private = ACCOUNT
    recorded_by = "requested_by"
    milestone_key: Slug
    amount: Euros
    iban: str
    requested_by: Actor | None = None
    on_approval_of: Actor | None = None
    """For a tranche the policy requested: who approved the milestone that released it. Four
    eyes: neither the requester nor this person approves the payment."""


class PaymentApproved(PaymentEvent):
    recorded_by = "approved_by"
    amount: Euros
    approved_by: Actor | None = None


class PaymentRejected(PaymentEvent):
    """A request refused, with the rule it broke (the EUR 10,000 cap, an unapproved milestone),
    or rejected by a person (`rejected_by`), whose command then did what it was asked."""

    amount: Euros
    reason: Text
    rejected_by: Actor | None = None

    def refusal(self) -> str | None:
        if self.rejected_by is not None:
            return None
        return f"payment {self.payment_id} rejected — {self.reason}"


class PaymentInstructed(PaymentEvent):
    private = ACCOUNT
    amount: Euros
    iban: str
    attempt: int = Field(ge=1)
    bic: str = ""
    account_holder: Plain = ""
    end_to_end_id: str = ""
    """The SEPA EndToEndId of this attempt (empty on events from before SEPA export)."""


class PaymentDisbursed(PaymentEvent):
    recorded_by = "confirmed_by"
    amount: Euros
    attempt: int = Field(ge=1)
    bank_reference: Plain = ""
    end_to_end_id: str = ""
    confirmed_by: Actor | None = None
    booked_on: date | None = None
    """The day the bank booked the transfer (from its camt.054 or CSV), when it said."""


class PaymentFailed(PaymentEvent):
    amount: Euros
    attempt: int = Field(ge=1)
    reason: Text
    end_to_end_id: str = ""
