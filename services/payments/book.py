"""The finance book: every grant, payment attempt and SEPA file, folded from the event log.

What the ledger, the bank-file import and the reconciliation read (on either runtime, from
`Runtime.history()`): each startup's grant as its own decider folds it, its programme data
(company, city, challenge, cohort), every exported file, and which attempt an end-to-end id
names and where that attempt stands.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from events.applications import ApplicationSubmitted
from events.base import Event, StartupEvent
from events.exports import ExportLine, PaymentsExported
from events.programme import AcceleratorStarted
from services.payments.state import Grant, Payment, PaymentStatus, evolve


@dataclass
class Startup:
    startup_id: str
    company: str = ""
    city: str = ""
    challenge: str = ""
    cohort: str = ""
    requested_budget: Decimal = Decimal(0)


@dataclass(frozen=True)
class Attempt:
    """One transfer: the n-th attempt of a payment, under its own end-to-end id."""

    payment: Payment
    number: int
    end_to_end_id: str
    status: Literal["instructed", "failed", "disbursed"]
    file_id: str | None
    """The pain.001 file it was exported in (None: not exported)."""

    @property
    def current(self) -> bool:
        return self.number == self.payment.attempts


@dataclass
class Book:
    startups: dict[str, Startup] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)
    files: dict[str, PaymentsExported] = field(default_factory=dict)
    exported: dict[str, tuple[str, ExportLine]] = field(default_factory=dict)
    """End-to-end id -> (file id, its line in that file)."""

    @classmethod
    def of(cls, events: Iterable[Event]) -> Book:
        book = cls()
        for event in events:
            book.apply(event)
        return book

    def apply(self, event: Event) -> None:
        match event:
            case ApplicationSubmitted():
                self.startups[event.startup_id] = Startup(
                    event.startup_id,
                    event.applicant_name,
                    event.city_id,
                    event.challenge_id,
                    "",
                    event.requested_budget,
                )
            case AcceleratorStarted() if event.startup_id in self.startups:
                self.startups[event.startup_id].cohort = event.cohort_id
            case PaymentsExported():
                self.files[event.file_id] = event
                for line in event.lines:
                    self.exported[line.end_to_end_id] = (event.file_id, line)
            case StartupEvent() if event.family == "payments":
                self.grants[event.startup_id] = evolve(self.grants.get(event.startup_id, Grant()), event)

    def attempt(self, end_to_end_id: str) -> Attempt | None:
        """The attempt this end-to-end id names, wherever it stands; None if no payment has it."""
        for grant in self.grants.values():
            for payment in grant.payments.values():
                if end_to_end_id in payment.end_to_end_ids:
                    return self._attempt(payment, payment.end_to_end_ids.index(end_to_end_id) + 1)
        return None

    def _attempt(self, payment: Payment, number: int) -> Attempt:
        e2e = payment.end_to_end_ids[number - 1]
        status: Literal["instructed", "failed", "disbursed"] = "failed"  # an earlier attempt was retried
        if number == payment.attempts and payment.status is PaymentStatus.INSTRUCTED:
            status = "instructed"
        elif number == payment.attempts and payment.status is PaymentStatus.DISBURSED:
            status = "disbursed"
        found = self.exported.get(e2e)
        return Attempt(payment, number, e2e, status, found[0] if found else None)

    def attempts_in(self, file_id: str) -> list[Attempt]:
        """Every attempt exported in a file, in the file's order."""
        return [a for line in self.files[file_id].lines if (a := self.attempt(line.end_to_end_id))]
