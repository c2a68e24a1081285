"""SEPA exports: one pain.001 file of every instructed transfer not yet in a file, valid
against the official XSD, each end-to-end id in exactly one file."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib import resources

import pytest
from lxml import etree

from events.exports import PaymentsExported
from services.kernel import Rejected
from services.payments import commands as pay
from services.payments import sepa
from tests import builders as b
from tests.services.finance import BOOKKEEPER, EXPORT, agreed, instructed, payment, run

KICK_OFF_E2E = f"{b.PARKLY}/kick-off/1/1"


def exported(**changes: object) -> PaymentsExported:
    """Kick-off and PoC delivered instructed, then exported (the export command with `changes`)."""
    keys = ("kick-off", "poc-delivered")
    spec = agreed(*keys)
    for key in keys:
        instructed(spec, key)
    (event,) = run(spec, EXPORT.model_copy(update=changes), actor=BOOKKEEPER)
    assert isinstance(event, PaymentsExported)
    return event


def official_xsd(message: str) -> etree.XMLSchema:
    """Read on its own here, so the test does not trust the code's loading of it."""
    return etree.XMLSchema(etree.parse(str(resources.files("sepaxml") / "schemas" / f"{message}.xsd")))


class TestTheFile:
    @pytest.mark.parametrize("message", ["pain.001.001.09", "pain.001.001.03"])
    def test_validates_against_the_official_xsd(self, message: str) -> None:
        event = exported(message=message)
        document = etree.fromstring(sepa.render(event))
        assert official_xsd(message).validate(document), official_xsd(message).error_log

    def test_an_independent_parse_finds_the_amounts_ibans_ids_and_control_sum(self) -> None:
        event = exported()
        root = etree.fromstring(sepa.render(event))
        ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
        header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", ns)
        assert header.findtext("p:MsgId", namespaces=ns) == event.file_id == "brugge-2027-0001"
        assert header.findtext("p:NbOfTxs", namespaces=ns) == "2"
        assert Decimal(header.findtext("p:CtrlSum", namespaces=ns)) == Decimal(10000) == event.control_sum
        assert root.findtext(".//p:DbtrAcct/p:Id/p:IBAN", namespaces=ns) == b.CITY_IBAN
        transfers = {
            tx.findtext("p:PmtId/p:EndToEndId", namespaces=ns): (
                Decimal(tx.findtext("p:Amt/p:InstdAmt", namespaces=ns)),
                tx.find("p:Amt/p:InstdAmt", ns).get("Ccy"),
                tx.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=ns),
                tx.findtext("p:CdtrAgt/p:FinInstnId/p:BICFI", namespaces=ns),
                tx.findtext("p:Cdtr/p:Nm", namespaces=ns),
            )
            for tx in root.iterfind(".//p:CdtTrfTxInf", ns)
        }
        assert transfers == {
            KICK_OFF_E2E: (Decimal(3000), "EUR", b.PARKLY_IBAN, b.PARKLY_BIC, "Parkly BV"),
            f"{b.PARKLY}/poc-delivered/1/1": (Decimal(7000), "EUR", b.PARKLY_IBAN, b.PARKLY_BIC, "Parkly BV"),
        }

    def test_is_the_same_bytes_every_time_it_is_written_from_the_event(self) -> None:
        event = exported()
        assert sepa.render(event) == sepa.render(
            PaymentsExported.model_validate_json(event.model_dump_json())
        )

    def test_a_debtor_bank_without_bic_is_named_as_epc_asks(self) -> None:
        root = etree.fromstring(sepa.render(exported()))
        assert root.findtext(".//{*}DbtrAgt/{*}FinInstnId/{*}Othr/{*}Id") == "NOTPROVIDED"


class TestExportingTwice:
    def test_nothing_pending_records_nothing(self) -> None:
        spec = agreed("kick-off")
        assert run(spec, EXPORT) == []
        instructed(spec, "kick-off")
        run(spec, EXPORT)
        assert run(spec, EXPORT) == [], "every transfer is in a file already"

    def test_a_retried_transfer_goes_into_the_next_file_under_its_new_id(self) -> None:
        spec = agreed("kick-off")
        instructed(spec, "kick-off")
        (first,) = run(spec, EXPORT)
        run(spec, pay.RecordPaymentFailure(payment_id=payment("kick-off"), reason="AC04"), actor=BOOKKEEPER)
        run(spec, pay.RetryPayment(payment_id=payment("kick-off")))
        (second,) = run(spec, EXPORT)
        assert isinstance(first, PaymentsExported) and isinstance(second, PaymentsExported)
        assert (first.end_to_end_ids, second.end_to_end_ids) == (
            (KICK_OFF_E2E,),
            (f"{payment('kick-off')}/2",),
        )
        assert second.file_id == "brugge-2027-0002"

    def test_records_who_exported_and_when_it_is_to_be_paid(self) -> None:
        event = exported(execution_date=date(2027, 3, 8))
        assert (event.exported_by, event.execution_date, event.count, event.total) == (
            BOOKKEEPER,
            date(2027, 3, 8),
            2,
            Decimal(10000),
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"debtor_iban": "BE00 0000"}, "debtor_iban: 'BE00 0000' is not a valid IBAN"),
        ({"debtor_bic": "GEBABEBB", "debtor_iban": b.PARKLY_IBAN}, "debtor_bic: GEBABEBB is not the BIC"),
        ({"execution_date": date(2027, 2, 1)}, "execution_date: 2027-02-01 is in the past"),
    ],
)
def test_refuses_an_export_from_a_bad_debtor_account_or_in_the_past(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(Rejected, match=message):
        exported(**changes)


def test_a_file_that_would_not_validate_is_refused_before_anything_is_recorded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec = agreed("kick-off")
    instructed(spec, "kick-off")
    before = spec.stored()
    render = sepa.render
    monkeypatch.setattr(sepa, "render", lambda event: render(event).replace(b"<NbOfTxs>1</NbOfTxs>", b"", 1))
    with pytest.raises(
        Rejected, match=r"export: the pain.001.001.09 file does not validate: line \d+: .*NbOfTxs"
    ):
        run(spec, EXPORT)
    assert spec.stored() == before


def test_the_kafka_projector_drops_an_export_in_order_instead_of_keeping_it_waiting() -> None:
    from datetime import UTC, datetime

    from events import envelope
    from services.projector.ordering import Subject

    event = exported()
    ce = envelope(
        event, source="t", time=datetime(2027, 3, 15, tzinfo=UTC), stream="exports-brugge-2027", version=1
    )
    subject = Subject(subject=event.subject)
    subject.receive(ce)
    assert subject.early == [] and subject.next_version == {"exports-brugge-2027": 2}
