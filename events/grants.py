"""The grant agreement of one startup: its award, tranche schedule and beneficiary account.

It lives on the startup's grant stream, the single writer of its payments, so the award,
the EUR 10,000 cap and every tranche are checked by one writer. Account data are private.
"""

from __future__ import annotations

from pydantic import Field

from events.base import Actor, Euros, Slug, StartupEvent, Text, Value
from events.payments import ACCOUNT


class Tranche(Value):
    """The share of the award an approved milestone releases."""

    milestone_key: Slug
    percent: int = Field(gt=0, le=100)
    amount: Euros


class GrantAgreed(StartupEvent):
    family = "payments"
    private = ACCOUNT
    recorded_by = "agreed_by"
    city_id: Slug
    award: Euros
    tranches: tuple[Tranche, ...]
    iban: str
    bic: str = ""
    account_holder: Text
    agreed_by: Actor | None = None


class BeneficiaryAccountChanged(StartupEvent):
    family = "payments"
    private = ACCOUNT
    recorded_by = "changed_by"
    city_id: Slug
    iban: str
    bic: str = ""
    account_holder: Text
    changed_by: Actor | None = None
