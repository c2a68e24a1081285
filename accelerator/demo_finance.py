"""The demo's money: grant agreements, four-eyes approvals, weekly SEPA payment runs, the
bank's camt.054 answers (one transfer returned: account closed), the retry to a new account.

Every step is what the finance department does with the CLI: `grant agree`, `payment
approve`, `finance export` on Mondays, the bank's notification two days later, `finance
import` the day after. The files are written into the demo's folder from the bank's point of
view by accelerator/bank_simulator.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from accelerator import bank_simulator, finance
from events.exports import PaymentsExported
from events.payments import PaymentFailed
from services.payments import commands as pay

if TYPE_CHECKING:
    from accelerator.demo import Programme

PROGRAMME_MANAGER = "Lotte Claes"
"""Agrees grants and approves milestones (so the tranches they release are hers to ask)."""
FINANCE_OFFICER = "Marie Claes"
"""Approves payments: never one she asked for, nor one her own milestone approval released."""
BOOKKEEPER = "Jan Bogaert"
"""Imports the bank's answers: never for a payment he approved."""
DEBTOR = pay.ExportPayments(
    programme="brugge-mechelen-2027",
    debtor_name="Stad Brugge - Interreg open innovation",
    debtor_iban="BE68 5390 0754 7034",
)
NEW_ACCOUNTS = {"Curbsense": "BE71 0961 2345 6769"}
"""Where a startup whose account was closed is paid instead."""


class PaymentRun:
    """Exports on Mondays; the bank answers each file two days later; it is imported next day."""

    def __init__(self, p: Programme, folder: Path, returned: set[str], end: date) -> None:
        self.p, self.folder, self.returned, self.end = p, folder, returned, end
        self.files: list[str] = []

    def plan(self, first_monday: date) -> None:
        day = first_monday
        while day <= self.end:
            self.p.on(day, self.export)
            day += timedelta(days=7)

    def export(self) -> None:
        exported = finance.export(self.p.runtime, DEBTOR, BOOKKEEPER)
        if exported is None:
            return
        path = self.folder / f"{exported.file_id}.xml"
        xml = finance.write_pain001(exported, path)
        self.files.append(exported.file_id)
        self.p.say(f"{self._today()}  finance exports {exported.file_id}: {exported.count} transfer(s), "
                   f"EUR {exported.total:,.2f}")  # fmt: skip
        self.p.on(self._today() + timedelta(days=2), lambda: self.bank_answers(exported, xml))

    def bank_answers(self, exported: PaymentsExported, xml: bytes) -> None:
        back = {e for e in exported.end_to_end_ids if e in self.returned}
        answer = self.folder / f"camt054-{exported.file_id}.xml"
        answer.write_bytes(bank_simulator.camt054(xml, self._today(), back))
        self.p.on(self._today() + timedelta(days=1), lambda: self.import_answer(answer))

    def import_answer(self, path: Path) -> None:
        done = finance.import_bank_file(self.p.runtime, path.read_bytes(), path.name, BOOKKEEPER)
        if done.problems:
            raise AssertionError(f"the demo's bank file did not import: {done.problems}")
        for ce in done.recorded:
            if ce.type == PaymentFailed.event_type():
                self.p.say(f"{self._today()}  the bank returned {ce.data['payment_id']}: {ce.data['reason']}")
                self.p.on(
                    self._today() + timedelta(days=1), self._new_account(ce.subject, ce.data["payment_id"])
                )
        self.p.say(f"{self._today()}  finance imports {path.name}: {len(done.recorded)} outcome(s) recorded")

    def _new_account(self, startup: str, payment_id: str) -> Callable[[], None]:
        company = next(c for c, s in self.p.ids.items() if s == startup)

        def change_and_retry() -> None:
            holder = f"{company} BV"
            change = pay.ChangeBeneficiaryAccount(
                startup_id=startup, iban=NEW_ACCOUNTS[company], account_holder=holder
            )
            self.p.do(change, PROGRAMME_MANAGER)
            self.p.do(pay.RetryPayment(payment_id=payment_id), FINANCE_OFFICER)
            self.p.say(f"{self._today()}  {company} gives a new account; the transfer is retried")

        return change_and_retry

    def _today(self) -> date:
        return self.p.clock.now().date()


def agree(p: Programme, company: str, budget: Decimal, iban: str) -> None:
    p.do(
        pay.AgreeGrant(startup_id=p.ids[company], award=budget, iban=iban, account_holder=f"{company} BV"),
        PROGRAMME_MANAGER,
    )
