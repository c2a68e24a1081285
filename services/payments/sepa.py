"""The pain.001 credit-transfer file of an export, written with sepaxml, checked with lxml.

`render(export)` is a pure function of the `PaymentsExported` event: the same event always
gives the same bytes (MsgId is the file id, CreDtTm the export's moment, PmtInfId follows
from the file id), so a file can be written again from the log. `problems(xml, message)`
validates against the official pain.001 XSD that sepaxml ships; an export whose file does not
validate is refused before anything is recorded.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from importlib import resources

from lxml import etree
from sepaxml import SepaTransfer

from events.exports import PaymentsExported

CENTS = 100


def namespace(message: str) -> str:
    return f"urn:iso:std:iso:20022:tech:xsd:{message}"


@cache
def schema(message: str) -> etree.XMLSchema:
    """The official XSD of a pain.001 version, as sepaxml ships it."""
    path = resources.files("sepaxml") / "schemas" / f"{message}.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def render(export: PaymentsExported) -> bytes:
    transfer = SepaTransfer(_debtor(export), schema=export.message, clean=True)
    for line in export.lines:
        payment: dict[str, object] = {
            "name": line.account_holder,
            "IBAN": line.iban,
            "amount": int(line.amount * CENTS),
            "execution_date": export.execution_date,
            "description": line.remittance,
            "endtoend_id": line.end_to_end_id,
        }
        if line.bic:
            payment["BIC"] = line.bic
        transfer.add_payment(payment)
    return _settled(transfer.export(validate=False), export)


def _debtor(export: PaymentsExported) -> dict[str, object]:
    config: dict[str, object] = {
        "name": export.debtor_name,
        "IBAN": export.debtor_iban,
        "batch": True,
        "currency": "EUR",
    }
    if export.debtor_bic:
        config["BIC"] = export.debtor_bic
    return config


def _settled(raw: bytes, export: PaymentsExported) -> bytes:
    """sepaxml's random ids and wall-clock time replaced by the export's own, so the file
    follows from the event; a debtor bank without BIC named as EPC asks (NOTPROVIDED)."""
    ns = {"p": namespace(export.message)}
    root = etree.fromstring(raw)
    root.find("p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId", ns).text = export.file_id
    created = export.created_at.replace(microsecond=0).isoformat()
    root.find("p:CstmrCdtTrfInitn/p:GrpHdr/p:CreDtTm", ns).text = created
    for n, info in enumerate(root.iterfind("p:CstmrCdtTrfInitn/p:PmtInf", ns), start=1):
        info.find("p:PmtInfId", ns).text = f"{export.file_id}-{n}"
        agent = info.find("p:DbtrAgt/p:FinInstnId", ns)
        if agent is not None and len(agent) == 0:
            other = etree.SubElement(agent, f"{{{ns['p']}}}Othr")
            etree.SubElement(other, f"{{{ns['p']}}}Id").text = "NOTPROVIDED"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def problems(xml: bytes, message: str) -> list[str]:
    """Every way the file breaks the official XSD, one line each (line: element: what)."""
    try:
        document = etree.fromstring(xml)
    except etree.XMLSyntaxError as error:
        return [f"line {error.lineno}: {error.msg}"]
    checker = schema(message)
    if checker.validate(document):
        return []
    return [f"line {e.line}: {e.path}: {e.message}" for e in checker.error_log]


def control_sum(xml: bytes, message: str) -> Decimal:
    """The group header's CtrlSum as written in the file."""
    ns = {"p": namespace(message)}
    found = etree.fromstring(xml).findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=ns)
    return Decimal(found or "0")
