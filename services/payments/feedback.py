"""What the bank's file means for the grants: the commands an import records, and the
disagreements a reconciliation lists.

Every transfer in the file is judged against the book (services/payments/book.py): a new
outcome for the current attempt becomes a command (`RecordDisbursement`, `RecordPaymentFailure`),
what is already recorded changes nothing, and anything else — an unknown end-to-end id,
another amount, a booking of an attempt recorded as failed, a return of a disbursed payment,
the same transfer booked twice, a confirmation by the payment's own approver — is a problem.
An import records nothing unless the whole file is free of problems.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from dataclasses import dataclass

from events.envelope import NAMESPACE
from services.kernel import Command, same_actor
from services.payments.bank import BankFile, BankLine, Outcome
from services.payments.book import Attempt, Book
from services.payments.commands import RecordDisbursement, RecordPaymentFailure
from services.rules import RULES, ProgrammeRules


@dataclass(frozen=True)
class Plan:
    commands: list[tuple[str, Command]]
    """(command id, command): ids follow from the file's content, so importing it again repeats nothing."""
    unchanged: list[str]
    problems: list[str]


def plan(bank: BankFile, raw: bytes, book: Book, actor: str, rules: ProgrammeRules = RULES) -> Plan:
    digest = hashlib.sha256(raw).hexdigest()
    commands: list[tuple[str, Command]] = []
    unchanged: list[str] = []
    problems: list[str] = []
    for line in _lines(bank, book, problems):
        attempt = book.attempt(line.end_to_end_id)
        verdict = judge(line, attempt)
        if verdict is None:
            unchanged.append(f"{line.where}: {line.end_to_end_id}: {line.outcome}, already recorded")
        elif isinstance(verdict, str):
            problems.append(f"{line.where}: EndToEndId {line.end_to_end_id}: {verdict}")
        elif attempt is not None and _own_approval(verdict, attempt, actor, rules):
            problems.append(
                f"{line.where}: EndToEndId {line.end_to_end_id}: {actor} approved "
                f"{attempt.payment.payment_id} and may not also confirm it was paid (four eyes): "
                "another person imports this file"
            )
        else:
            commands.append((str(uuid.uuid5(NAMESPACE, f"bank/{digest}/{line.end_to_end_id}")), verdict))
    return Plan(commands, unchanged, problems)


def _own_approval(command: Command, attempt: Attempt | None, actor: str, rules: ProgrammeRules) -> bool:
    approver = attempt.payment.approved_by if attempt else None
    return (
        isinstance(command, RecordDisbursement)
        and rules.four_eyes_disbursement
        and same_actor(actor, approver)
    )


def _lines(bank: BankFile, book: Book, problems: list[str]) -> list[BankLine]:
    """The file's transfers, one per end-to-end id (a booking and its return: the return), with
    the transfers of whole files the bank rejected."""
    lines = list(bank.lines)
    for message_id, reason, where in bank.rejected_files:
        if message_id not in book.files:
            problems.append(f"{where}: OrgnlMsgId {message_id}: no pain.001 file was exported with this id")
            continue
        lines += [
            BankLine(a.end_to_end_id, Outcome.RETURNED, where, reason=reason)
            for a in book.attempts_in(message_id)
        ]
    by_id: dict[str, list[BankLine]] = defaultdict(list)
    for line in lines:
        by_id[line.end_to_end_id].append(line)
    chosen = []
    for e2e, same in by_id.items():
        booked = [line for line in same if line.outcome is Outcome.BOOKED]
        if len(booked) > 1:
            where = ", ".join(line.where for line in booked)
            problems.append(
                f"{booked[1].where}: EndToEndId {e2e}: booked twice in this file ({where}): double transfer?"
            )
            continue
        returned = [line for line in same if line.outcome is Outcome.RETURNED]
        chosen.append((returned or booked or same)[0])
    return chosen


def judge(line: BankLine, attempt: Attempt | None) -> Command | str | None:
    """The command this transfer's outcome asks for, None when it is already recorded, or the
    problem with it."""
    if attempt is None:
        return "no payment has this end-to-end id"
    if line.amount is not None and line.amount != attempt.payment.amount:
        return f"the bank says EUR {line.amount:,.2f}, the payment is EUR {attempt.payment.amount:,.2f}"
    payment_id = attempt.payment.payment_id
    if line.outcome is Outcome.PENDING:
        return None
    if line.outcome is Outcome.BOOKED:
        if attempt.status == "disbursed":
            reference = attempt.payment.bank_reference
            return (
                None if line.reference in ("", reference) else f"already disbursed with reference {reference}"
            )
        if attempt.status == "failed":
            return (
                f"booked, but {payment_id} attempt {attempt.number} is recorded as failed: a double transfer?"
            )
        return RecordDisbursement(
            payment_id=payment_id,
            bank_reference=line.reference,
            end_to_end_id=line.end_to_end_id,
            booked_on=line.on,
        )
    if attempt.status == "disbursed":
        return f"returned by the bank, but {payment_id} is recorded as disbursed: reconcile it with the bank"
    if attempt.status == "failed":
        return None
    return RecordPaymentFailure(
        payment_id=payment_id, reason=line.reason or "returned by the bank", end_to_end_id=line.end_to_end_id
    )


@dataclass(frozen=True)
class Disagreement:
    end_to_end_id: str
    payment_id: str
    bank: str
    events: str
    where: str


def reconcile(bank: BankFile, book: Book) -> list[Disagreement]:
    """Every transfer whose bank status and event status disagree (not yet imported included)."""
    found = []
    for line in _lines(bank, book, []):
        attempt = book.attempt(line.end_to_end_id)
        if line.outcome is Outcome.PENDING or judge(line, attempt) is None:
            continue
        recorded = "unknown" if attempt is None else f"{attempt.status} (attempt {attempt.number})"
        if attempt is not None and attempt.status == "instructed" and attempt.file_id:
            recorded = f"exported in {attempt.file_id}, no answer recorded"
        payment = attempt.payment.payment_id if attempt else "-"
        amount = f" EUR {line.amount:,.2f}" if line.amount is not None else ""
        found.append(
            Disagreement(line.end_to_end_id, payment, f"{line.outcome}{amount}", recorded, line.where)
        )
    return found
