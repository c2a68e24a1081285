"""Payment events: proof-of-concept grant tranches, from request to disbursement.

The finance contract: a `PaymentInstructed` asks finance to transfer `amount` euros to
`iban` for `payment_id`; finance answers with `PaymentDisbursed` or `PaymentFailed` for the
same `payment_id` and `attempt`. Payment ids are stable, so finance deduplicates on them.
"""

from __future__ import annotations

from pydantic import Field

from events.base import Euros, Plain, Slug, StartupEvent, Text
from events.ids import PaymentId


class PaymentEvent(StartupEvent):
    family = "payments"
    city_id: Slug
    payment_id: PaymentId


class PaymentRequested(PaymentEvent):
    private = frozenset({"iban"})
    milestone_key: Slug
    amount: Euros
    iban: str


class PaymentApproved(PaymentEvent):
    amount: Euros


class PaymentRejected(PaymentEvent):
    """A request refused, with the rule it broke (the EUR 10,000 cap, an unapproved milestone)."""

    amount: Euros
    reason: Text

    def refusal(self) -> str | None:
        return f"payment {self.payment_id} rejected — {self.reason}"


class PaymentInstructed(PaymentEvent):
    private = frozenset({"iban"})
    amount: Euros
    iban: str
    attempt: int = Field(ge=1)


class PaymentDisbursed(PaymentEvent):
    amount: Euros
    attempt: int = Field(ge=1)
    bank_reference: Plain = ""


class PaymentFailed(PaymentEvent):
    amount: Euros
    attempt: int = Field(ge=1)
    reason: Text
