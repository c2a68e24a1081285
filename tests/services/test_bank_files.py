"""The bank's answers: camt.054, pain.002 and CSV read all or nothing, every problem on its own
line naming the line and element (or the CSV row); then judged against the book."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from accelerator import bank_simulator
from events.exports import PaymentsExported
from services.payments import feedback, sepa
from services.payments.bank import BankFileError, Outcome, read
from services.payments.book import Book
from services.payments.commands import RecordDisbursement, RecordPaymentFailure
from tests import builders as b
from tests.fakes import Spec
from tests.services.finance import APPROVER, BOOKKEEPER, EXPORT, agreed, instructed, run

KICK_OFF, POC = f"{b.PARKLY}/kick-off/1/1", f"{b.PARKLY}/poc-delivered/1/1"


@pytest.fixture
def spec() -> Spec:
    spec = agreed("kick-off", "poc-delivered")
    instructed(spec, "kick-off")
    instructed(spec, "poc-delivered")
    run(spec, EXPORT, actor=BOOKKEEPER)
    return spec


def book(spec: Spec) -> Book:
    return Book.of(event for events in spec.store.streams.values() for event in events)


def export_of(spec: Spec) -> PaymentsExported:
    (export,) = spec.store.streams["exports-brugge-2027"]
    assert isinstance(export, PaymentsExported)
    return export


def problems(raw: bytes) -> list[str]:
    with pytest.raises(BankFileError) as error:
        read(raw, "bank.xml")
    return error.value.problems


PAIN002 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">
 <CstmrPmtStsRpt>
  <GrpHdr><MsgId>STS-0001</MsgId><CreDtTm>2027-03-16T08:00:00</CreDtTm></GrpHdr>
  <OrgnlGrpInfAndSts><OrgnlMsgId>{file}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>{group}</OrgnlGrpInfAndSts>
  {batch}
 </CstmrPmtStsRpt>
</Document>"""
TRANSFERS = f"""<OrgnlPmtInfAndSts><OrgnlPmtInfId>brugge-2027-0001-1</OrgnlPmtInfId>
   <TxInfAndSts><OrgnlEndToEndId>{KICK_OFF}</OrgnlEndToEndId><TxSts>ACSC</TxSts></TxInfAndSts>
   <TxInfAndSts><OrgnlEndToEndId>{POC}</OrgnlEndToEndId><TxSts>RJCT</TxSts>
     <StsRsnInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>Closed account</AddtlInf></StsRsnInf></TxInfAndSts>
  </OrgnlPmtInfAndSts>"""


class TestReadingTheBanksFiles:
    def test_a_camt054_of_the_2019_version_from_the_banks_point_of_view(self, spec: Spec) -> None:
        xml = bank_simulator.camt054(sepa.render(export_of(spec)), date(2027, 3, 17), returned={POC})
        answer = read(xml, "camt054.xml")
        assert answer.kind == "camt.054.001.08"
        assert {(line.end_to_end_id, line.outcome, line.amount) for line in answer.lines} == {
            (KICK_OFF, Outcome.BOOKED, Decimal(3000)),
            (POC, Outcome.RETURNED, Decimal(7000)),
        }
        assert (
            next(line for line in answer.lines if line.end_to_end_id == POC).reason == "AC04 account closed"
        )

    def test_a_pain002_with_a_settled_and_a_rejected_transfer(self) -> None:
        answer = read(
            PAIN002.format(file="brugge-2027-0001", group="", batch=TRANSFERS).encode(), "pain002.xml"
        )
        assert [(line.end_to_end_id, line.outcome, line.reason) for line in answer.lines] == [
            (KICK_OFF, Outcome.BOOKED, ""),
            (POC, Outcome.RETURNED, "AC04 Closed account"),
        ]

    def test_a_csv_from_a_finance_system_with_semicolons(self) -> None:
        raw = f"end_to_end_id;status;date;reference\n{KICK_OFF};booked;2027-03-17;BELFIUS-42\n".encode()
        (line,) = read(raw, "bank.csv").lines
        assert (line.outcome, line.on, line.reference, line.where) == (
            Outcome.BOOKED,
            date(2027, 3, 17),
            "BELFIUS-42",
            "row 2",
        )


class TestBadFiles:
    def test_malformed_xml_names_the_line(self) -> None:
        (found,) = problems(b"<?xml version='1.0'?>\n<Document>\n<Ntry></Document>")
        assert found.startswith(
            "line 3: malformed XML: Opening and ending tag mismatch: Ntry line 3 and Document"
        )

    def test_a_foreign_xml_file_is_named(self) -> None:
        assert problems(b"<invoice xmlns='urn:ubl'><total>12</total></invoice>") == [
            "line 1: <invoice>: not an ISO 20022 document (a camt.054 or pain.002 from the bank)"
        ]

    def test_our_own_pain001_is_not_the_banks_answer(self, spec: Spec) -> None:
        (found,) = problems(sepa.render(export_of(spec)))
        assert found.startswith("line 2: <Document>: pain.001.001.09 is not read here")

    def test_a_file_breaking_the_xsd_names_each_line_and_element(self, spec: Spec) -> None:
        xml = bank_simulator.camt054(sepa.render(export_of(spec)), date(2027, 3, 17))
        broken = xml.replace(b"<Cd>BOOK</Cd>", b"<Cd>BOOKED-ISH</Cd>")
        found = problems(broken)
        assert len(found) == 2 and all(p.startswith("line ") for p in found)
        assert "<Cd>: [facet 'enumeration'] The value 'BOOKED-ISH' is not an element of the set" in found[
            0
        ] or ("<Cd>" in found[0])

    def test_a_transfer_without_end_to_end_id_cannot_be_matched(self) -> None:
        raw = PAIN002.format(file="f", group="", batch=TRANSFERS.replace(KICK_OFF, "NOTPROVIDED")).encode()
        (found,) = problems(raw)
        assert found.endswith("<OrgnlEndToEndId>: missing: this transfer cannot be matched")

    def test_every_bad_csv_row_is_reported_on_its_own_line(self) -> None:
        raw = (
            "end_to_end_id,status,date,reference,amount\n"
            f"{KICK_OFF},booked,2027-03-17,R1,3000.00\n"
            f"{POC},maybe,2027-03-17,R2,7000\n"
            f"{POC},booked,17/03/2027,R3,\n"
            ",booked,2027-03-17,R4,\n"
            f"{POC},booked,2027-03-17,R5,seven\n"
        ).encode()
        with pytest.raises(BankFileError) as error:
            read(raw, "bank.csv")
        assert error.value.problems == [
            "row 3: status: 'maybe' is not booked, rejected, returned or pending",
            "row 4: date: '17/03/2027' is not a date written YYYY-MM-DD",
            "row 5: end_to_end_id: empty",
            "row 6: amount: 'seven' is not an amount (e.g. 2250.00)",
        ]

    def test_a_csv_without_the_columns(self) -> None:
        with pytest.raises(BankFileError, match="row 1: header: missing column.s. status, date, reference"):
            read(b"end_to_end_id\nx\n", "bank.csv")

    def test_entities_are_not_expanded(self) -> None:
        raw = b"""<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>"""
        assert "root:" not in " ".join(problems(raw))


class TestJudgingTheAnswer:
    def test_new_outcomes_become_commands_whose_ids_follow_from_the_file(self, spec: Spec) -> None:
        raw = PAIN002.format(file="brugge-2027-0001", group="", batch=TRANSFERS).encode()
        planned = feedback.plan(read(raw, "p.xml"), raw, book(spec), BOOKKEEPER)
        assert [type(c).__name__ for _, c in planned.commands] == [
            "RecordDisbursement",
            "RecordPaymentFailure",
        ]
        assert planned.commands == feedback.plan(read(raw, "p.xml"), raw, book(spec), BOOKKEEPER).commands
        assert isinstance(planned.commands[0][1], RecordDisbursement)
        assert isinstance(planned.commands[1][1], RecordPaymentFailure)

    def test_a_whole_file_rejected_fails_each_of_its_transfers(self, spec: Spec) -> None:
        group = "<GrpSts>RJCT</GrpSts><StsRsnInf><Rsn><Cd>AM04</Cd></Rsn></StsRsnInf>"
        raw = PAIN002.format(file="brugge-2027-0001", group=group, batch="").encode()
        planned = feedback.plan(read(raw, "p.xml"), raw, book(spec), BOOKKEEPER)
        assert [(type(c).__name__, c.reason) for _, c in planned.commands] == [  # type: ignore[attr-defined]
            ("RecordPaymentFailure", "AM04"),
            ("RecordPaymentFailure", "AM04"),
        ]

    def test_an_unknown_file_is_a_problem(self, spec: Spec) -> None:
        raw = PAIN002.format(file="elsewhere-0009", group="<GrpSts>RJCT</GrpSts>", batch="").encode()
        (problem,) = feedback.plan(read(raw, "p.xml"), raw, book(spec), BOOKKEEPER).problems
        assert "OrgnlMsgId elsewhere-0009: no pain.001 file was exported with this id" in problem

    def test_a_transfer_booked_twice_in_one_file_is_a_possible_double_transfer(self, spec: Spec) -> None:
        raw = f"end_to_end_id,status,date,reference\n{KICK_OFF},booked,,A\n{KICK_OFF},booked,,B\n".encode()
        (problem,) = feedback.plan(read(raw, "b.csv"), raw, book(spec), BOOKKEEPER).problems
        assert (
            problem
            == f"row 3: EndToEndId {KICK_OFF}: booked twice in this file (row 2, row 3): double transfer?"
        )

    def test_another_amount_than_exported_is_a_problem(self, spec: Spec) -> None:
        raw = f"end_to_end_id,status,date,reference,amount\n{KICK_OFF},booked,,A,3000.01\n".encode()
        (problem,) = feedback.plan(read(raw, "b.csv"), raw, book(spec), BOOKKEEPER).problems
        assert "the bank says EUR 3,000.01, the payment is EUR 3,000.00" in problem

    def test_the_approver_may_not_confirm(self, spec: Spec) -> None:
        raw = f"end_to_end_id,status,date,reference\n{KICK_OFF},booked,,A\n".encode()
        (problem,) = feedback.plan(read(raw, "b.csv"), raw, book(spec), APPROVER).problems
        assert "four eyes" in problem

    def test_a_return_after_a_recorded_disbursement_is_a_disagreement(self, spec: Spec) -> None:
        run(
            spec,
            RecordDisbursement(payment_id=f"{b.PARKLY}/kick-off/1", bank_reference="A"),
            actor=BOOKKEEPER,
        )
        raw = f"end_to_end_id,status,date,reference\n{KICK_OFF},returned,,A\n".encode()
        (problem,) = feedback.plan(read(raw, "b.csv"), raw, book(spec), BOOKKEEPER).problems
        assert "recorded as disbursed: reconcile it with the bank" in problem
        (found,) = feedback.reconcile(read(raw, "b.csv"), book(spec))
        assert (found.bank, found.events) == ("returned", "disbursed (attempt 1)")
