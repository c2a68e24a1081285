"""The ledger for the finance department and the funder: per startup and per city, challenge
or cohort; CSV and Excel with amounts as numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from accelerator.spreadsheets import EURO_FORMAT, ledger_csv, ledger_xlsx
from services.payments import commands as pay
from services.payments.book import Book
from services.payments.ledger import bank_balance, rows, totals
from tests import builders as b
from tests.services.finance import BOOKKEEPER, EXPORT, agreed, instructed, payment, run


def book() -> Book:
    """Parkly: EUR 10,000 awarded; kick-off (3,000) disbursed, PoC (7,000) exported and awaited."""
    spec = agreed("kick-off", "poc-delivered")
    instructed(spec, "kick-off")
    run(spec, EXPORT, actor=BOOKKEEPER)
    run(spec, pay.RecordDisbursement(payment_id=payment("kick-off"), bank_reference="R1"), actor=BOOKKEEPER)
    instructed(spec, "poc-delivered")
    run(spec, EXPORT, actor=BOOKKEEPER)
    return Book.of(e for events in spec.store.streams.values() for e in events)


def test_each_live_euro_is_in_one_column_and_the_row_balances() -> None:
    (row,) = rows(book())
    assert (row.name, row.city, row.challenge, row.cohort) == ("Parkly", "brugge", b.CHALLENGE, "cohort-2027")
    assert (row.awarded, row.disbursed, row.exported, row.remaining) == (10000, 3000, 7000, 0)
    assert row.requested == row.approved == row.instructed == row.failed == 0
    assert row.balanced


def test_every_exported_euro_is_booked_returned_or_awaited() -> None:
    bank = bank_balance(book())
    assert (bank.files, bank.exported, bank.booked, bank.returned, bank.awaited) == (2, 10000, 3000, 0, 7000)
    assert bank.balanced


def test_totals_by_city_challenge_and_cohort() -> None:
    found = rows(book())
    for by, name in (("city", "brugge"), ("challenge", b.CHALLENGE), ("cohort", "cohort-2027")):
        (total,) = totals(found, by)
        assert (total.name, total.awarded, total.disbursed) == (name, 10000, 3000)


def test_csv_amounts_are_plain_numbers() -> None:
    (row,) = list(csv.DictReader(io.StringIO(ledger_csv(rows(book())))))
    assert Decimal(row["disbursed"]) == Decimal(3000) and row["disbursed"] == "3000.00"


def test_excel_amounts_are_numbers_with_a_euro_format(tmp_path: Path) -> None:
    found = book()
    path = tmp_path / "ledger.xlsx"
    ledger_xlsx(path, rows(found), totals(rows(found), "city"), "city", bank_balance(found))
    sheet = load_workbook(path)["Ledger"]
    header = [cell.value for cell in sheet[1]]
    disbursed = sheet.cell(2, header.index("disbursed") + 1)
    assert isinstance(disbursed.value, (int, float)) and disbursed.value == 3000
    assert disbursed.number_format == EURO_FORMAT
    assert load_workbook(path)["Bank"]["B1"].value == 10000
