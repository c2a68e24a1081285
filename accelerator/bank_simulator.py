"""A bank, for the demo: it reads a pain.001 file and answers with a camt.054 debit notification.

Written from the bank's point of view: it knows only the file (not our events). Each transfer
is booked as a debit of the programme's account, except those it is told to return (an AC04
"account closed", say), which come back as a credit with their return reason. The answer
validates against the official camt.054.001.08 XSD.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from lxml import etree
from lxml.builder import ElementMaker

CAMT = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"


@dataclass(frozen=True)
class Transfer:
    end_to_end_id: str
    amount: Decimal


def transfers(pain001: bytes) -> tuple[str, str, list[Transfer]]:
    """What the bank reads in the file: its MsgId, the debtor IBAN, and every transfer."""
    root = etree.fromstring(pain001)
    ns = {"p": root.nsmap[None]}
    found = [
        Transfer(
            tx.findtext("p:PmtId/p:EndToEndId", namespaces=ns),
            Decimal(tx.findtext(".//p:InstdAmt", namespaces=ns)),
        )
        for tx in root.iterfind(".//p:CdtTrfTxInf", ns)
    ]
    message = root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId", namespaces=ns)
    debtor = root.findtext(".//p:DbtrAcct/p:Id/p:IBAN", namespaces=ns)
    return message, debtor, found


def camt054(pain001: bytes, booked_on: date, returned: Collection[str] = (), reason: str = "AC04") -> bytes:
    """The bank's debit notification for a pain.001 file, `returned` end-to-end ids sent back."""
    message, debtor, found = transfers(pain001)
    e = ElementMaker(namespace=CAMT, nsmap={None: CAMT})
    stamp = datetime.combine(booked_on, time(18)).isoformat()
    entries = [
        _entry(e, t, booked_on, f"{message}-{n}", t.end_to_end_id in returned, reason)
        for n, t in enumerate(found, start=1)
    ]
    document = e.Document(
        e.BkToCstmrDbtCdtNtfctn(
            e.GrpHdr(e.MsgId(f"CAMT-{message}"[:35]), e.CreDtTm(stamp)),
            e.Ntfctn(e.Id(f"N-{message}"[:35]), e.CreDtTm(stamp), e.Acct(e.Id(e.IBAN(debtor))), *entries),
        )
    )
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _entry(e: ElementMaker, t: Transfer, day: date, reference: str, returned: bool, reason: str) -> object:
    direction = "CRDT" if returned else "DBIT"
    amount = f"{t.amount:.2f}"
    refs = e.Refs(e.AcctSvcrRef(reference), e.EndToEndId(t.end_to_end_id))
    details = [refs, e.Amt(amount, Ccy="EUR"), e.CdtDbtInd(direction)]
    if returned:
        details.append(
            e.RtrInf(e.Rsn(e.Cd(reason)), e.AddtlInf("account closed" if reason == "AC04" else reason))
        )
    return e.Ntry(
        e.Amt(amount, Ccy="EUR"),
        e.CdtDbtInd(direction),
        e.Sts(e.Cd("BOOK")),
        e.BookgDt(e.Dt(day.isoformat())),
        e.ValDt(e.Dt(day.isoformat())),
        e.AcctSvcrRef(reference),
        e.BkTxCd(e.Domn(e.Cd("PMNT"), e.Fmly(e.Cd("ICDT"), e.SubFmlyCd("RRTN" if returned else "ESCT")))),
        e.NtryDtls(e.TxDtls(*details)),
    )
