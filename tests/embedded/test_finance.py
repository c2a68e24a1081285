"""Paying a grant on the embedded runtime, as the finance department does: an agreement, the
tranche the policy requests, four-eyes approval, a pain.001 export, and the bank's camt.054 —
written here from the bank's point of view — imported once, and again to no effect."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from accelerator import finance
from accelerator.embedded.runtime import EmbeddedRuntime
from accelerator.settings import Settings
from events import parse
from events.exports import PaymentsExported
from services.kernel import Rejected, VirtualClock
from services.participation import commands as acc
from services.payments import commands as pay
from services.payments import ledger
from tests import builders as b
from tests.embedded.test_runtime import accelerate_parkly
from tests.fakes import at

MANAGER, APPROVER, BOOKKEEPER = "Lotte Claes", "Marie Claes", "Jan Bogaert"
SETTINGS = Settings(debtor_name="Stad Brugge", debtor_iban=b.CITY_IBAN, programme="brugge-2027")


def camt054_v02(file_id: str, booked: list[tuple[str, str]], returned: list[tuple[str, str]]) -> bytes:
    """The bank's debit notification (2009 version): each (end-to-end id, amount) booked as a
    debit of the city's account, or returned as a credit with reason AC04."""

    def entry(e2e: str, amount: str, back: bool) -> str:
        direction = "CRDT" if back else "DBIT"
        why = "<RtrInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>Closed account</AddtlInf></RtrInf>" if back else ""
        return f"""
    <Ntry>
      <Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{direction}</CdtDbtInd><Sts>BOOK</Sts>
      <BookgDt><Dt>2027-03-17</Dt></BookgDt><ValDt><Dt>2027-03-17</Dt></ValDt>
      <AcctSvcrRef>KBC-{e2e[-12:]}</AcctSvcrRef>
      <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
      <NtryDtls><TxDtls>
        <Refs><MsgId>{file_id}</MsgId><EndToEndId>{e2e}</EndToEndId></Refs>
        <AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>{why}
      </TxDtls></NtryDtls>
    </Ntry>"""

    entries = "".join(entry(e, a, False) for e, a in booked) + "".join(entry(e, a, True) for e, a in returned)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">
 <BkToCstmrDbtCdtNtfctn>
  <GrpHdr><MsgId>KBC-CAMT054-20270317</MsgId><CreDtTm>2027-03-17T18:00:00</CreDtTm></GrpHdr>
  <Ntfctn>
   <Id>N-20270317</Id><CreDtTm>2027-03-17T18:00:00</CreDtTm>
   <Acct><Id><IBAN>{b.CITY_IBAN}</IBAN></Id></Acct>{entries}
  </Ntfctn>
 </BkToCstmrDbtCdtNtfctn>
</Document>""".encode()


@pytest.fixture
def exported(runtime: EmbeddedRuntime, clock: VirtualClock) -> PaymentsExported:
    accelerate_parkly(runtime, clock)
    runtime.handle(pay.AgreeGrant(startup_id=b.PARKLY, award=Decimal(10000), iban=b.PARKLY_IBAN,
                                  account_holder="Parkly BV"), MANAGER)  # fmt: skip
    for key in ("kick-off", "poc-delivered"):
        runtime.handle(acc.SubmitDeliverable(startup_id=b.PARKLY, key=key, deliverable=f"{key}.pdf"))
        outcome = runtime.handle(acc.ApproveMilestone(startup_id=b.PARKLY, key=key), MANAGER)
        assert [ce.type.split(".")[2] for ce in outcome.reactions] == ["payment_requested"]
        with pytest.raises(Rejected, match="four eyes"):
            runtime.handle(pay.ApprovePayment(payment_id=f"{b.PARKLY}/{key}/1"), MANAGER)
        runtime.handle(pay.ApprovePayment(payment_id=f"{b.PARKLY}/{key}/1"), APPROVER)
    clock.set(at(date(2027, 3, 15)))
    export = finance.export(runtime, finance.export_command(SETTINGS), BOOKKEEPER)
    assert export is not None
    return export


KICK_OFF, POC = f"{b.PARKLY}/kick-off/1/1", f"{b.PARKLY}/poc-delivered/1/1"


def test_the_banks_camt054_records_the_disbursement_and_the_return(
    runtime: EmbeddedRuntime, exported: PaymentsExported
) -> None:
    assert exported.end_to_end_ids == (KICK_OFF, POC)
    raw = camt054_v02(exported.file_id, booked=[(KICK_OFF, "3000.00")], returned=[(POC, "7000.00")])
    done = finance.import_bank_file(runtime, raw, "camt054.xml", BOOKKEEPER)
    assert done.problems == []
    kinds = {(ce.type.split(".")[2], ce.data["payment_id"]) for ce in done.recorded}
    assert kinds == {
        ("payment_disbursed", f"{b.PARKLY}/kick-off/1"),
        ("payment_failed", f"{b.PARKLY}/poc-delivered/1"),
    }
    paid = next(parse(ce) for ce in done.recorded if ce.type.endswith("payment_disbursed.v1"))
    assert paid.booked_on == date(2027, 3, 17)  # type: ignore[attr-defined]
    failed = next(parse(ce) for ce in done.recorded if ce.type.endswith("payment_failed.v1"))
    assert failed.reason == "AC04 Closed account"  # type: ignore[attr-defined]
    (view,) = runtime.startups()
    assert view.paid == Decimal(3000)
    assert all(ce.actor == BOOKKEEPER for ce in done.recorded)

    head = runtime.store.head()
    again = finance.import_bank_file(runtime, raw, "camt054.xml", BOOKKEEPER)
    assert (again.recorded, again.problems, runtime.store.head()) == ([], [], head), (
        "importing twice changes nothing"
    )


def test_the_approver_may_not_import_the_banks_confirmation_and_nothing_is_recorded(
    runtime: EmbeddedRuntime, exported: PaymentsExported
) -> None:
    raw = camt054_v02(exported.file_id, booked=[(KICK_OFF, "3000.00"), (POC, "7000.00")], returned=[])
    head = runtime.store.head()
    done = finance.import_bank_file(runtime, raw, "camt054.xml", APPROVER)
    assert len(done.problems) == 2 and all("four eyes" in p for p in done.problems)
    assert runtime.store.head() == head


def test_a_file_with_one_bad_transfer_records_none_of_them(
    runtime: EmbeddedRuntime, exported: PaymentsExported
) -> None:
    raw = camt054_v02(
        exported.file_id, booked=[(KICK_OFF, "3000.00"), ("st-unknown/x/1/1", "10.00")], returned=[]
    )
    head = runtime.store.head()
    done = finance.import_bank_file(runtime, raw, "camt054.xml", BOOKKEEPER)
    line = [n for n, text in enumerate(raw.decode().splitlines(), start=1) if "<TxDtls>" in text][1]
    assert done.problems == [f"line {line}: EndToEndId st-unknown/x/1/1: no payment has this end-to-end id"]
    assert runtime.store.head() == head


def test_the_ledger_balances_and_the_file_can_be_written_again(
    runtime: EmbeddedRuntime, exported: PaymentsExported, tmp_path: Path
) -> None:
    raw = camt054_v02(exported.file_id, [(KICK_OFF, "3000.00")], [(POC, "7000.00")])
    finance.import_bank_file(runtime, raw, "camt054.xml", BOOKKEEPER)
    found = finance.book(runtime)
    (row,) = ledger.rows(found)
    assert (row.awarded, row.disbursed, row.failed, row.remaining) == (
        Decimal(10000),
        Decimal(3000),
        Decimal(7000),
        0,
    )
    bank = ledger.bank_balance(found)
    assert (bank.exported, bank.booked, bank.returned, bank.awaited, bank.balanced) == (
        10000,
        3000,
        7000,
        0,
        True,
    )
    written = finance.write_pain001(found.files[exported.file_id], tmp_path / "again.xml")
    assert written == (tmp_path / "again.xml").read_bytes()


def test_every_event_names_its_actor(runtime: EmbeddedRuntime, exported: PaymentsExported) -> None:
    history = runtime.history()
    assert history and all(ce.actor for ce in history)
    actors = {ce.actor for ce in history}
    assert {MANAGER, APPROVER, BOOKKEEPER, "system:requests-tranches", "system:instructs-payments"} <= actors
