"""SEPA exports: the programme's exports stream, single writer of every pain.001 file.

`ExportPayments` gathers every attempt instructed to the bank (read from the grant streams)
whose end-to-end id is in no file yet, and records them as one `PaymentsExported` — after
the file it describes was written and validated against the official pain.001 XSD. Because
one stream decides every export, two exports, however concurrent, never put one end-to-end id
in two files; nothing pending is a no-op.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal

from events.base import Event
from events.exports import ExportLine, PaymentsExported
from services.intake.domain import APPLICATION
from services.kernel import Command, Context, Decider, Rejected, unhandled
from services.payments import sepa
from services.payments.accounts import Account, account
from services.payments.commands import ExportPayments
from services.payments.domain import GRANT, Payment, PaymentStatus


@dataclass(frozen=True)
class Exports:
    files: tuple[str, ...] = ()
    exported: frozenset[str] = field(default_factory=frozenset)
    """Every end-to-end id already in a file."""


def evolve(state: Exports, event: Event) -> Exports:
    match event:
        case PaymentsExported():
            exported = state.exported | set(event.end_to_end_ids)
            return replace(state, files=(*state.files, event.file_id), exported=exported)
    return state


def decide(state: Exports, command: Command, context: Context) -> list[Event]:
    match command:
        case ExportPayments():
            return export(state, command, context)
    unhandled(command)


def file_id(programme: str, number: int) -> str:
    """The file's MsgId: the programme and a sequence number, at most 35 characters."""
    return f"{programme[:28]}-{number:04d}"


def export(state: Exports, cmd: ExportPayments, context: Context) -> list[Event]:
    debtor = account(cmd.debtor_iban, cmd.debtor_bic, cmd.debtor_name, prefix="debtor_")
    lines = sorted(pending(state, context), key=lambda line: line.end_to_end_id)
    if not lines:
        return []
    day = cmd.execution_date or context.today
    if day < context.today:
        raise Rejected("execution_date", f"{day} is in the past")
    event = _exported(state, cmd, debtor, lines, day, context)
    xml = sepa.render(event)
    if found := sepa.problems(xml, cmd.message):
        raise Rejected(
            "export", f"the {cmd.message} file does not validate: {found[0]} ({len(found)} problems)"
        )
    written = sepa.control_sum(xml, cmd.message)
    if written != event.total:
        raise Rejected("export", f"the file's CtrlSum {written} is not the total {event.total}")
    return [event.model_copy(update={"control_sum": written})]


def _exported(
    state: Exports, cmd: ExportPayments, debtor: Account, lines: list[ExportLine], day: date, context: Context
) -> PaymentsExported:
    total = sum((line.amount for line in lines), Decimal(0))
    created = context.now or datetime.combine(context.today, datetime.min.time(), UTC)
    return PaymentsExported(
        programme=cmd.programme,
        file_id=file_id(cmd.programme, len(state.files) + 1),
        message=cmd.message,
        created_at=created,
        execution_date=day,
        debtor_name=debtor.holder,
        debtor_iban=debtor.iban,
        debtor_bic=debtor.bic,
        lines=tuple(lines),
        payment_ids=tuple(line.payment_id for line in lines),
        end_to_end_ids=tuple(line.end_to_end_id for line in lines),
        count=len(lines),
        total=total,
        control_sum=total,
        exported_by=context.actor,
    )


def pending(state: Exports, context: Context) -> Iterator[ExportLine]:
    """Every instructed attempt of every grant whose end-to-end id is in no file yet."""
    for startup_id in context.ids(GRANT):
        grant = context.read(GRANT, startup_id)

        def company(startup: str = startup_id) -> str:
            return str(context.read(APPLICATION, startup).company_name)

        for payment in grant.payments.values():
            if payment.status is PaymentStatus.INSTRUCTED and payment.end_to_end_id not in state.exported:
                yield _line(payment, company)


def _line(payment: Payment, company: Callable[[], str]) -> ExportLine:
    paid_to = payment.account or Account(payment.iban, "", "")
    holder = paid_to.holder or company()  # instructed before grant agreements: the company's name
    return ExportLine(
        payment_id=payment.payment_id,
        attempt=payment.attempts,
        end_to_end_id=payment.end_to_end_id,
        amount=payment.amount,
        iban=paid_to.iban,
        bic=paid_to.bic,
        account_holder=holder,
        remittance=f"Proof-of-concept grant {payment.milestone_key} {payment.payment_id}",
    )


EXPORTS = Decider("exports", Exports(), evolve, decide, (ExportPayments,))
