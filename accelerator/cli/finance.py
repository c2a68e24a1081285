"""Grant agreements and the finance department's verbs: SEPA export, bank import, ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from accelerator import finance as money
from accelerator.cli.context import of
from accelerator.cli.output import complain, console, fail, guarded, row, say, table
from accelerator.cli.programme import euros
from accelerator.cli.reading_ledger import show_ledger
from services.payments import commands as pay
from services.payments.bank import BankFileError

grant = typer.Typer(
    help="Grant agreements: award, tranche schedule, beneficiary account.", no_args_is_help=True
)
finance = typer.Typer(
    help="SEPA export, the bank's answers, the ledger; finance's principal on the broker.",
    no_args_is_help=True,
)


def _tranches(raw: list[str] | None) -> dict[str, int] | None:
    if not raw:
        return None
    schedule = {}
    for item in raw:
        key, _, percent = item.partition("=")
        if not percent.strip().isascii() or not percent.strip().isdigit():
            fail(f"tranches: write milestone=percent, e.g. kick-off=30 (got {item!r})")
        schedule[key.strip()] = int(percent)
    return schedule


@grant.command("agree")
def agree(
    ctx: typer.Context,
    startup: str,
    award: Annotated[str, typer.Option(help="euros, at most the requested budget and 10,000")],
    iban: Annotated[str, typer.Option(help="the beneficiary's IBAN (SEPA zone)")],
    holder: Annotated[str, typer.Option(help="the account holder's name")],
    bic: Annotated[str, typer.Option(help="default: the IBAN's bank's, where known")] = "",
    tranche: Annotated[
        list[str] | None, typer.Option(help="milestone=percent, repeated (default: the programme's 30/70)")
    ] = None,
) -> None:
    """Record a startup's grant agreement; approved milestones then request their tranches."""
    c = of(ctx)
    amount = euros(award, "award")
    schedule = _tranches(tranche)
    c.send(
        lambda: pay.AgreeGrant(
            startup_id=c.startup(startup),
            award=amount,
            iban=iban,
            bic=bic,
            account_holder=holder,
            tranches=schedule,
        )
    )


@grant.command("account")
def change_account(
    ctx: typer.Context,
    startup: str,
    iban: Annotated[str, typer.Option()],
    holder: Annotated[str, typer.Option()],
    bic: Annotated[str, typer.Option()] = "",
) -> None:
    """Change the beneficiary account (refused while a transfer is with the bank)."""
    c = of(ctx)
    c.send(
        lambda: pay.ChangeBeneficiaryAccount(
            startup_id=c.startup(startup), iban=iban, bic=bic, account_holder=holder
        )
    )


@finance.command("export")
def export(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option(help="the pain.001 file (default: the outbox folder)")] = None,
) -> None:
    """Write every instructed transfer not yet exported into one pain.001 file for the bank."""
    c = of(ctx)
    exported = guarded(lambda: money.export(c.runtime, money.export_command(c.settings)))
    if exported is None:
        say("nothing to export: every instructed transfer is in a file already")
        return
    path = out or c.settings.finance_outbox / f"{exported.file_id}.xml"
    guarded(lambda: money.write_pain001(exported, path))
    say(
        ("✔", "green"),
        f" {exported.file_id}: {exported.count} transfer(s), EUR {exported.total:,.2f} "
        f"(control sum {exported.control_sum:,.2f}), {exported.message} -> {path}",
    )


@finance.command("file")
def file_again(ctx: typer.Context, file_id: str, out: Annotated[Path, typer.Option()]) -> None:
    """Write an exported pain.001 file again, byte for byte, from the log."""
    found = money.book(of(ctx).reader).files.get(file_id)
    if found is None:
        fail(f"file_id: no export {file_id!r}")
    guarded(lambda: money.write_pain001(found, out))
    say(f"{file_id} -> {out}")


@finance.command("import")
def import_(ctx: typer.Context, path: Path) -> None:
    """Record the bank's camt.054, pain.002 or CSV: all of it, or nothing if any line is wrong."""
    c = of(ctx)
    raw = _read(path)
    done = guarded(lambda: money.import_bank_file(c.runtime, raw, str(path), c.settings.actor))
    for ce in done.recorded:
        say(("✔", "green"), " ", ce.type.split(".")[2], " ", (str(ce.data.get("payment_id", "")), "bold"))
    for line in done.unchanged:
        say(f"  unchanged: {line}")
    if done.problems:
        for problem in done.problems:
            complain(f"{path}: {problem}")
        what = (
            f"{len(done.recorded)} recorded before; import it again" if done.recorded else "nothing recorded"
        )
        fail(f"{path}: {len(done.problems)} problem(s); {what}")
    if not done.recorded:
        say("nothing to record: the file says nothing new")


@finance.command("reconcile")
def reconcile(ctx: typer.Context, paths: list[Path]) -> None:
    """Compare the bank's files with the events: list every transfer on which they disagree."""
    files = [(str(p), _read(p)) for p in paths]
    try:
        found = guarded(lambda: money.reconcile(of(ctx).reader, files))
    except BankFileError as error:
        fail("; ".join(error.problems))
    if not found:
        say(("the bank and the events agree on every transfer in these files", "green"))
        return
    grid = table("end-to-end id", "payment", "bank", "events", "where", title="Disagreements")
    for d in found:
        row(grid, d.end_to_end_id, d.payment_id, d.bank, d.events, d.where)
    console.print(grid)
    fail(f"reconcile: {len(found)} transfer(s) disagree")


@finance.command("ledger")
def ledger(
    ctx: typer.Context,
    format_: Annotated[str, typer.Option("--format", help="table, csv or xlsx")] = "table",
    by: Annotated[str, typer.Option(help="totals per city, challenge or cohort")] = "city",
    out: Annotated[Path | None, typer.Option(help="the file (needed for xlsx; csv: default stdout)")] = None,
) -> None:
    """Per startup: awarded, requested, approved, instructed, exported, failed, disbursed, remaining."""
    show_ledger(money.book(of(ctx).reader), format_, by, out)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        fail(f"file: {path}: {error.strerror or error}")
