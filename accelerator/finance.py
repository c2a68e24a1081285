"""The finance department's verbs on any runtime: export a SEPA file, import the bank's answer,
reconcile, and read the book the ledger is made of.

Each goes through the same commands as everything else (`ExportPayments`, `RecordDisbursement`,
`RecordPaymentFailure`), so both runtimes do them alike; the book is folded from
`Runtime.history()`. Files are written only once they validate against the official XSD,
and atomically (a reader never sees half a file).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from accelerator.runtime import Runtime
from accelerator.settings import Settings
from events import CloudEvent, parse
from events.exports import PaymentsExported
from services.kernel import Rejected
from services.payments import bank, feedback, sepa
from services.payments.book import Book
from services.payments.commands import ExportPayments


def book(runtime: Runtime) -> Book:
    return Book.of(parse(ce) for ce in runtime.history())


def export_command(settings: Settings) -> ExportPayments:
    if not (settings.debtor_iban and settings.debtor_name):
        raise Rejected(
            "debtor_iban",
            "the programme's own account is not set: ACCELERATOR_DEBTOR_NAME, ACCELERATOR_DEBTOR_IBAN "
            "(and ACCELERATOR_DEBTOR_BIC)",
        )
    return ExportPayments(
        programme=settings.programme,
        debtor_name=settings.debtor_name,
        debtor_iban=settings.debtor_iban,
        debtor_bic=settings.debtor_bic,
        message=settings.pain001_version,
    )


def export(runtime: Runtime, command: ExportPayments, actor: str | None = None) -> PaymentsExported | None:
    """Record an export of every pending transfer; None when nothing is pending."""
    outcome = runtime.handle(command, actor)
    return next((e for e in outcome.events if isinstance(e, PaymentsExported)), None)


def write_pain001(export: PaymentsExported, path: Path) -> bytes:
    """The export's file, checked against the official XSD, written atomically."""
    xml = sepa.render(export)
    if found := sepa.problems(xml, export.message):
        raise Rejected("export", f"{export.file_id} does not validate against {export.message}: {found[0]}")
    write_atomically(path, xml)
    return xml


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass
class Imported:
    recorded: list[CloudEvent] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def import_bank_file(runtime: Runtime, raw: bytes, name: str, actor: str) -> Imported:
    """Record what the bank's file says, all of it or — with any problem in it — nothing."""
    try:
        answer = bank.read(raw, name)
    except bank.BankFileError as error:
        return Imported(problems=error.problems)
    planned = feedback.plan(answer, raw, book(runtime), actor)
    if planned.problems:
        return Imported(unchanged=planned.unchanged, problems=planned.problems)
    done = Imported(unchanged=planned.unchanged)
    for command_id, command in planned.commands:
        try:
            done.recorded += runtime.handle(command, actor, command_id).recorded
        except Rejected as refusal:  # changed since the file was checked: importing it again finishes it
            done.problems.append(f"{type(command).__name__} {getattr(command, 'payment_id', '')}: {refusal}")
    return done


def reconcile(runtime: Runtime, files: list[tuple[str, bytes]]) -> list[feedback.Disagreement]:
    found = book(runtime)
    return [d for name, raw in files for d in feedback.reconcile(bank.read(raw, name), found)]
