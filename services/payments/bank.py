"""The bank's answers, read: which transfer (end-to-end id) was booked or returned.

Three forms: an ISO 20022 camt.054 debit notification or pain.002 status report (read in
services/payments/iso20022.py, validated against the official XSD first), or a CSV for
finance systems without ISO 20022: `end_to_end_id,status,date,reference[,reason][,amount]`,
comma or semicolon separated. Reading is all or nothing: a file with any problem raises
`BankFileError` listing every problem, one line each, naming the line/element or the row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class Outcome(StrEnum):
    BOOKED = "booked"
    """The transfer left the account: the payment is disbursed."""
    RETURNED = "returned"
    """The bank rejected or returned it: the payment failed."""
    PENDING = "pending"
    """Accepted, still on its way: nothing to record yet."""


@dataclass(frozen=True)
class BankLine:
    end_to_end_id: str
    outcome: Outcome
    where: str
    """`line 42` of an XML file, `row 3` of a CSV: where a person finds it."""
    on: date | None = None
    reference: str = ""
    reason: str = ""
    amount: Decimal | None = None


@dataclass(frozen=True)
class BankFile:
    kind: str
    """camt.054.001.08, pain.002.001.03, csv ..."""
    message_id: str
    lines: tuple[BankLine, ...]
    rejected_files: tuple[tuple[str, str, str], ...] = ()
    """Whole files the bank refused (pain.002 group or batch status RJCT): (MsgId, reason, where)."""


class BankFileError(ValueError):
    def __init__(self, name: str, problems: list[str]) -> None:
        super().__init__(f"{name}: {len(problems)} problem(s): " + "; ".join(problems))
        self.name = name
        self.problems = problems


STATUSES = {
    "booked": Outcome.BOOKED,
    "paid": Outcome.BOOKED,
    "disbursed": Outcome.BOOKED,
    "rejected": Outcome.RETURNED,
    "returned": Outcome.RETURNED,
    "failed": Outcome.RETURNED,
    "pending": Outcome.PENDING,
}
COLUMNS = ("end_to_end_id", "status", "date", "reference")


def read(raw: bytes, name: str) -> BankFile:
    """A bank file of any supported form, or `BankFileError` with every problem in it."""
    if raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        from services.payments.iso20022 import read_xml

        return read_xml(raw, name)
    return read_csv(raw, name)


def read_csv(raw: bytes, name: str) -> BankFile:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BankFileError(name, [f"byte {error.start}: not UTF-8 text (a CSV must be UTF-8)"]) from error
    first = text.splitlines()[0] if text.strip() else ""
    rows = csv.DictReader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ",")
    header = [c.strip().lower() for c in rows.fieldnames or []]
    if missing := [c for c in COLUMNS if c not in header]:
        raise BankFileError(
            name, [f"row 1: header: missing column(s) {', '.join(missing)} (want {','.join(COLUMNS)})"]
        )
    rows.fieldnames = header
    lines, problems = [], []
    for number, row in enumerate(rows, start=2):
        try:
            lines.append(_row(row, f"row {number}"))
        except ValueError as error:
            problems.append(f"row {number}: {error}")
    if problems:
        raise BankFileError(name, problems)
    if not lines:
        raise BankFileError(name, ["row 2: no rows after the header"])
    return BankFile("csv", name, tuple(lines))


def _row(row: dict[str, str | None], where: str) -> BankLine:
    value = {k: (v or "").strip() for k, v in row.items() if k}
    if None in row:
        raise ValueError("more fields than the header names")
    if not value["end_to_end_id"]:
        raise ValueError("end_to_end_id: empty")
    outcome = STATUSES.get(value["status"].lower())
    if outcome is None:
        raise ValueError(f"status: {value['status']!r} is not booked, rejected, returned or pending")
    try:
        on = date.fromisoformat(value["date"]) if value["date"] else None
    except ValueError:
        raise ValueError(f"date: {value['date']!r} is not a date written YYYY-MM-DD") from None
    return BankLine(
        value["end_to_end_id"],
        outcome,
        where,
        on,
        value["reference"],
        value.get("reason", ""),
        _amount(value.get("amount", "")),
    )


def _amount(raw: str) -> Decimal | None:
    if not raw:
        return None
    try:
        amount = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"amount: {raw!r} is not an amount (e.g. 2250.00)") from None
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"amount: {raw!r} is not a positive amount in cents")
    return amount
