"""The ledger on screen, or as CSV or Excel for the finance department."""

from __future__ import annotations

from pathlib import Path

from accelerator.cli.output import console, fail, money, row, say, table, write
from accelerator.spreadsheets import ledger_csv, ledger_xlsx
from services.payments.book import Book
from services.payments.ledger import AMOUNTS, GROUPS, Row, bank_balance, rows, totals


def show_ledger(book: Book, format_: str, by: str, out: Path | None) -> None:
    if by not in GROUPS:
        fail(f"by: must be one of {', '.join(GROUPS)} (got {by!r})")
    if format_ not in ("table", "csv", "xlsx"):
        fail(f"format: must be table, csv or xlsx (got {format_!r})")
    found = rows(book)
    groups = totals(found, by)
    bank = bank_balance(book)
    if format_ == "csv":
        text = ledger_csv([*found, *groups])
        if out is None:
            write(text.rstrip("\n"))
            return
        out.write_text(text)
    elif format_ == "xlsx":
        if out is None:
            fail("out: an Excel ledger needs a file: --out ledger.xlsx")
        ledger_xlsx(out, found, groups, by, bank)
    else:
        _table(found, "Grant ledger (EUR)", ("company", "city", "challenge"))
        _table(groups, f"Totals by {by} (EUR)", (by,))
    if out is not None:
        say(f"ledger -> {out}")
    say(
        f"bank: EUR {money(bank.exported)} exported in {bank.files} file(s) = {money(bank.booked)} booked "
        f"+ {money(bank.returned)} returned + {money(bank.awaited)} awaited: "
        + ("balanced" if bank.balanced and all(r.balanced for r in found) else "NOT BALANCED")
    )


def _table(found: list[Row], title: str, names: tuple[str, ...]) -> None:
    grid = table(*names, *AMOUNTS, title=title)
    for column in grid.columns[len(names) :]:
        column.justify = "right"
    for r in found:
        labels = (r.name, r.city, r.challenge)[: len(names)]
        row(grid, *labels, *(money(a) for a in r.amounts()))
    console.print(grid)
