"""ISO 20022 files from the bank: camt.054 (debit notification) and pain.002 (status report).

Checked in this order, each problem reported with its line and element: well-formed XML
(entities and network access off), an ISO 20022 document of a supported message, valid
against that message's official XSD (services/payments/xsd/), and every transfer naming its
end-to-end id. Only then are its transfers read.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any, TypeAlias

from lxml import etree

from services.payments.bank import BankFile, BankFileError, BankLine, Outcome

ISO = "urn:iso:std:iso:20022:tech:xsd:"
SUPPORTED = ("camt.054.001.02", "camt.054.001.08", "pain.002.001.03")
NOT_PROVIDED = "NOTPROVIDED"
Element: TypeAlias = Any  # lxml's element (lxml ships no type hints)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@cache
def schema(message: str) -> etree.XMLSchema:
    path = resources.files("services.payments") / "xsd" / f"{message}.xsd"
    return etree.XMLSchema(etree.parse(str(path), _parser()))


def read_xml(raw: bytes, name: str) -> BankFile:
    try:
        root = etree.fromstring(raw, _parser())
    except etree.XMLSyntaxError as error:
        raise BankFileError(name, [f"line {error.lineno}: malformed XML: {error.msg}"]) from error
    message = _message(root, name)
    checker = schema(message)
    if not checker.validate(root):
        raise BankFileError(name, [_problem(e) for e in checker.error_log])
    read = _camt054 if message.startswith("camt.054") else _pain002
    return read(root, message, name)


def _message(root: Element, name: str) -> str:
    namespace, _, tag = root.tag.rpartition("}")
    message = namespace.removeprefix("{").removeprefix(ISO)
    where = f"line {root.sourceline}: <{tag}>"
    if tag != "Document" or not namespace.startswith("{" + ISO):
        raise BankFileError(
            name, [f"{where}: not an ISO 20022 document (a camt.054 or pain.002 from the bank)"]
        )
    if message not in SUPPORTED:
        raise BankFileError(
            name,
            [
                f"{where}: {message} is not read here; the bank's camt.054.001.02, camt.054.001.08 "
                "or pain.002.001.03 are"
            ],
        )
    return message


def _problem(error: object) -> str:
    text = str(getattr(error, "message", error))
    found = re.search(r"Element '(?:\{[^}]*\})?([\w]+)'", text)
    element = f"<{found.group(1)}>" if found else "document"
    text = re.sub(r"\{[^}]*\}", "", text)
    return f"line {getattr(error, 'line', '?')}: {element}: {text}"


def _ns(message: str) -> dict[str, str]:
    return {"m": ISO + message}


def _text(node: Element, path: str, ns: dict[str, str]) -> str:
    return (node.findtext(path, namespaces=ns) or "").strip()


def _day(node: Element, path: str, ns: dict[str, str]) -> date | None:
    raw = _text(node, path + "/m:Dt", ns) or _text(node, path + "/m:DtTm", ns)[:10]
    return date.fromisoformat(raw) if raw else None


def _e2e(tx: Element, path: str, ns: dict[str, str], name: str) -> str:
    e2e = _text(tx, path, ns)
    if not e2e or e2e == NOT_PROVIDED:
        element = path.rsplit(":", 1)[-1]
        raise BankFileError(
            name, [f"line {tx.sourceline}: <{element}>: missing: this transfer cannot be matched"]
        )
    return e2e


def _camt054(root: Element, message: str, name: str) -> BankFile:
    ns = _ns(message)
    lines, problems = [], []
    for entry in root.iterfind(".//m:Ntfctn/m:Ntry", ns):
        status = _text(entry, "m:Sts/m:Cd", ns) or _text(entry, "m:Sts", ns)
        reversal = _text(entry, "m:RvslInd", ns) == "true" or _text(entry, "m:CdtDbtInd", ns) == "CRDT"
        for tx in entry.iterfind("m:NtryDtls/m:TxDtls", ns):
            try:
                e2e = _e2e(tx, "m:Refs/m:EndToEndId", ns, name)
            except BankFileError as error:
                problems += error.problems
                continue
            returned = reversal or tx.find("m:RtrInf", ns) is not None
            outcome = (
                Outcome.RETURNED if returned else Outcome.BOOKED if status == "BOOK" else Outcome.PENDING
            )
            lines.append(_notified(entry, tx, e2e, outcome, ns))
    if problems:
        raise BankFileError(name, problems)
    return BankFile(message, _text(root, ".//m:GrpHdr/m:MsgId", ns), tuple(lines))


def _notified(entry: Element, tx: Element, e2e: str, outcome: Outcome, ns: dict[str, str]) -> BankLine:
    """One transfer of a camt.054 entry (the .02 and .08 versions name its amount differently)."""
    code, extra = _text(tx, "m:RtrInf/m:Rsn/m:Cd", ns), _text(tx, "m:RtrInf/m:AddtlInf", ns)
    reason = " ".join(filter(None, (code, extra)))
    if outcome is Outcome.RETURNED and not reason:
        reason = "returned by the bank"
    amounts = ("m:Amt", "m:AmtDtls/m:TxAmt/m:Amt", "m:AmtDtls/m:InstdAmt/m:Amt")
    amount = next((found for path in amounts if (found := _text(tx, path, ns))), "")
    return BankLine(
        e2e,
        outcome,
        f"line {tx.sourceline}",
        _day(entry, "m:BookgDt", ns),
        _text(tx, "m:Refs/m:AcctSvcrRef", ns) or _text(entry, "m:AcctSvcrRef", ns),
        reason,
        Decimal(amount) if amount else None,
    )


def _pain002(root: Element, message: str, name: str) -> BankFile:
    ns = _ns(message)
    group = root.find(".//m:OrgnlGrpInfAndSts", ns)
    original = _text(group, "m:OrgnlMsgId", ns) if group is not None else ""
    rejected: list[tuple[str, str, str]] = []
    if group is not None and _text(group, "m:GrpSts", ns) == "RJCT":
        rejected.append((original, _reason(group, ns), f"line {group.sourceline}"))
    lines, problems = [], []
    for batch in root.iterfind(".//m:OrgnlPmtInfAndSts", ns):
        if _text(batch, "m:PmtInfSts", ns) == "RJCT" and batch.find("m:TxInfAndSts", ns) is None:
            rejected.append((original, _reason(batch, ns), f"line {batch.sourceline}"))
        for tx in batch.iterfind("m:TxInfAndSts", ns):
            try:
                e2e = _e2e(tx, "m:OrgnlEndToEndId", ns, name)
            except BankFileError as error:
                problems += error.problems
                continue
            status = _text(tx, "m:TxSts", ns)
            outcome = {"RJCT": Outcome.RETURNED, "ACSC": Outcome.BOOKED}.get(status, Outcome.PENDING)
            lines.append(_reported(tx, e2e, outcome, ns))
    if problems:
        raise BankFileError(name, problems)
    return BankFile(message, _text(root, ".//m:GrpHdr/m:MsgId", ns), tuple(lines), tuple(rejected))


def _reported(tx: Element, e2e: str, outcome: Outcome, ns: dict[str, str]) -> BankLine:
    """One transfer of a pain.002 status report."""
    amount = _text(tx, "m:OrgnlTxRef/m:Amt/m:InstdAmt", ns)
    accepted = _text(tx, "m:AccptncDtTm", ns)[:10]
    return BankLine(
        e2e,
        outcome,
        f"line {tx.sourceline}",
        date.fromisoformat(accepted) if accepted else None,
        _text(tx, "m:AcctSvcrRef", ns) or _text(tx, "m:StsId", ns),
        _reason(tx, ns) if outcome is Outcome.RETURNED else "",
        Decimal(amount) if amount else None,
    )


def _reason(node: Element, ns: dict[str, str]) -> str:
    code = _text(node, "m:StsRsnInf/m:Rsn/m:Cd", ns)
    extra = _text(node, "m:StsRsnInf/m:AddtlInf", ns)
    return " ".join(filter(None, (code, extra))) or "rejected by the bank"
