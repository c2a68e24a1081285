"""A SEPA credit-transfer file (pain.001) exported for the bank: which attempts it pays.

Written by the programme's exports stream, the single writer of exports, so no end-to-end
id is ever in two files. The file is a pure function of this event (services/payments/sepa.py):
it can be written again, byte for byte. No city receives it (it has no city); its account
data are private all the same.
"""

from __future__ import annotations

from datetime import date

from pydantic import AwareDatetime, Field

from events.base import Actor, Euros, Event, Slug, Text, Value
from events.ids import PaymentId


class ExportLine(Value):
    """One transfer in the file: one attempt of one payment."""

    payment_id: PaymentId
    attempt: int = Field(ge=1)
    end_to_end_id: str = Field(min_length=1, max_length=35)
    amount: Euros
    iban: str
    bic: str = ""
    account_holder: Text
    remittance: Text


class PaymentsExported(Event):
    family = "payments"
    private = frozenset({"debtor_name", "debtor_iban", "debtor_bic", "lines"})
    recorded_by = "exported_by"
    programme: Slug
    file_id: str = Field(min_length=1, max_length=35)
    """The file's MsgId: the bank's status reports name it (OrgnlMsgId)."""
    message: str = Field(pattern=r"^pain\.001\.001\.(03|09)$")
    created_at: AwareDatetime
    execution_date: date
    debtor_name: Text
    debtor_iban: str
    debtor_bic: str = ""
    lines: tuple[ExportLine, ...]
    payment_ids: tuple[PaymentId, ...]
    end_to_end_ids: tuple[str, ...]
    count: int = Field(ge=1)
    total: Euros
    control_sum: Euros
    """CtrlSum as written in the file, read back from it: equal to `total`."""
    exported_by: Actor | None = None

    @property
    def subject(self) -> str:
        return self.programme
