"""The grant ledger a finance department hands to the funder (for Interreg, the ERDF controller).

Per startup: awarded, then every live euro in exactly one column by where its payment stands
(requested, approved, instructed, exported and awaiting the bank, failed and awaiting a retry,
disbursed), and what remains of the award; totals per city, challenge or cohort. It balances
when every row adds up to its award without going below zero, and every euro sent to the
bank in a pain.001 file is accounted for: booked, returned, or still awaited.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal

from services.payments.book import Book
from services.payments.state import Grant, PaymentStatus
from services.rules import RULES

AMOUNTS = ("awarded", "requested", "approved", "instructed", "exported", "failed", "disbursed", "remaining")
GROUPS = ("city", "challenge", "cohort")
ZERO = Decimal(0)


@dataclass(frozen=True)
class Row:
    name: str
    """The company (or, in a total, the city, challenge or cohort)."""
    startup_id: str
    city: str
    challenge: str
    cohort: str
    awarded: Decimal = ZERO
    requested: Decimal = ZERO
    approved: Decimal = ZERO
    instructed: Decimal = ZERO
    exported: Decimal = ZERO
    failed: Decimal = ZERO
    disbursed: Decimal = ZERO
    remaining: Decimal = ZERO

    def amounts(self) -> tuple[Decimal, ...]:
        return tuple(getattr(self, name) for name in AMOUNTS)

    @property
    def balanced(self) -> bool:
        parts = sum(self.amounts()[1:], ZERO)
        return parts == self.awarded and self.remaining >= 0


@dataclass(frozen=True)
class BankBalance:
    """Every euro in a pain.001 file: booked by the bank, returned, or still awaited."""

    files: int
    exported: Decimal
    booked: Decimal
    returned: Decimal
    awaited: Decimal

    @property
    def balanced(self) -> bool:
        return self.exported == self.booked + self.returned + self.awaited


def rows(book: Book) -> list[Row]:
    found = [_row(book, startup_id, grant) for startup_id, grant in book.grants.items()]
    return sorted(found, key=lambda r: (r.city, r.challenge, r.name))


def _row(book: Book, startup_id: str, grant: Grant) -> Row:
    startup = book.startups.get(startup_id)
    awarded = (
        grant.agreement.award
        if grant.agreement
        else min(RULES.grant_cap, startup.requested_budget if startup else ZERO)
    )
    columns = dict.fromkeys(AMOUNTS[1:-1], ZERO)
    for payment in grant.payments.values():
        if payment.status is PaymentStatus.REJECTED:
            continue
        column = str(payment.status)
        if payment.status is PaymentStatus.INSTRUCTED and payment.end_to_end_id in book.exported:
            column = "exported"
        columns[column] += payment.amount
    remaining = awarded - sum(columns.values(), ZERO)
    return Row(
        startup.company if startup else startup_id,
        startup_id,
        startup.city if startup else "",
        startup.challenge if startup else "",
        startup.cohort if startup else "",
        awarded,
        remaining=remaining,
        **columns,
    )


def totals(found: Iterable[Row], by: str) -> list[Row]:
    """One row per city, challenge or cohort, summing its startups."""
    if by not in GROUPS:
        raise ValueError(f"by: must be one of {', '.join(GROUPS)} (got {by!r})")
    groups: dict[str, list[Row]] = {}
    for row in found:
        groups.setdefault(getattr(row, by) or "(none)", []).append(row)
    return [_sum(name, members, by) for name, members in sorted(groups.items())]


def _sum(name: str, members: list[Row], by: str) -> Row:
    summed = {a: sum((getattr(r, a) for r in members), ZERO) for a in AMOUNTS}
    keys = {f.name: "" for f in fields(Row) if f.name not in AMOUNTS}
    return Row(**(keys | {"name": name, by: name} | summed))  # type: ignore[arg-type]


def bank_balance(book: Book) -> BankBalance:
    booked = returned = awaited = ZERO
    for file_id in book.files:
        for attempt in book.attempts_in(file_id):
            amount = attempt.payment.amount
            if attempt.status == "disbursed":
                booked += amount
            elif attempt.status == "failed":
                returned += amount
            else:
                awaited += amount
    exported = sum((f.total for f in book.files.values()), ZERO)
    return BankBalance(len(book.files), exported, booked, returned, awaited)
