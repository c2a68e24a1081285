"""The ledger as files a finance department opens: CSV, and an Excel workbook (openpyxl).

Amounts are numbers, never text: in CSV plain decimals with a point (2250.00), in Excel
numeric cells with a euro number format, so the sheet sums them and an auditor can check it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from services.payments.ledger import AMOUNTS, BankBalance, Row

EURO_FORMAT = '#,##0.00 "€"'
HEADER = ("company", "startup", "city", "challenge", "cohort", *AMOUNTS)


def _cells(row: Row) -> list[object]:
    return [row.name, row.startup_id, row.city, row.challenge, row.cohort, *row.amounts()]


def ledger_csv(rows: Sequence[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([*_cells(row)[:5], *(f"{amount:.2f}" for amount in row.amounts())])
    return out.getvalue()


def ledger_xlsx(path: Path, rows: Sequence[Row], totals: Sequence[Row], by: str, bank: BankBalance) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Ledger"
    _table(sheet, rows)
    by_group = book.create_sheet(f"By {by}")
    _table(by_group, totals)
    summary = book.create_sheet("Bank")
    for label, amount in (
        ("exported in pain.001 files", bank.exported),
        ("booked by the bank", bank.booked),
        ("returned by the bank", bank.returned),
        ("awaiting the bank", bank.awaited),
    ):
        summary.append([label, amount])
        summary.cell(summary.max_row, 2).number_format = EURO_FORMAT
    summary.append(["files", bank.files])
    summary.append(["balanced", "yes" if bank.balanced else "NO"])
    summary.column_dimensions["A"].width = 30
    summary.column_dimensions["B"].width = 16
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def _table(sheet: Any, rows: Sequence[Row]) -> None:
    sheet.append(list(HEADER))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(_cells(row))
        for column in range(6, 6 + len(AMOUNTS)):
            sheet.cell(sheet.max_row, column).number_format = EURO_FORMAT
    for column in range(1, len(HEADER) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 22 if column <= 5 else 14
    sheet.freeze_panes = "A2"
