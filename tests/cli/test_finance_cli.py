"""The finance department at the command line: agree, approve with four eyes, export the
SEPA file, import the bank's answer (every bad line reported, nothing recorded), the ledger."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from accelerator import bank_simulator
from tests import builders as b
from tests.cli.test_cli import PARKLY_PAYMENT, Cli

WHEN = "2027-03-12T10:00:00+01:00"
E2E = f"{PARKLY_PAYMENT}/1"


@pytest.fixture
def requested(accelerating: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Cli:
    """Parkly's agreement, its kick-off approved by the manager: the policy requested the tranche."""
    monkeypatch.setenv("ACCELERATOR_DEBTOR_NAME", "Stad Brugge")
    monkeypatch.setenv("ACCELERATOR_DEBTOR_IBAN", "BE68 5390 0754 7034")
    monkeypatch.setenv("ACCELERATOR_FINANCE_OUTBOX", str(tmp_path / "outbox"))
    cli = accelerating
    agree = ("grant", "agree", "Parkly", "--award", "10000", "--iban", b.PARKLY_IBAN, "--holder", "Parkly BV")
    cli(*agree, actor="Lotte Claes", now=WHEN)
    cli("milestone", "submit", "Parkly", "kick-off", "--deliverable", "kick-off.pdf", now=WHEN)
    assert "PaymentRequested" in cli(
        "milestone", "approve", "Parkly", "kick-off", actor="Lotte Claes", now=WHEN
    )
    return cli


def test_four_eyes_then_export_then_the_banks_answer(requested: Cli, tmp_path: Path) -> None:
    cli = requested
    error = cli("payment", "approve", PARKLY_PAYMENT, actor="Lotte Claes", now=WHEN, ok=False)
    assert error.count("error:") == 1 and "may not also approve the payment (four eyes)" in error
    cli("payment", "approve", PARKLY_PAYMENT, actor="Marie Claes", now=WHEN)
    out = cli("finance", "export", "--out", str(tmp_path / "run1.xml"), actor="Jan Bogaert", now=WHEN)
    assert "accelerator-0001: 1 transfer(s), EUR 3,000.00" in out
    assert "nothing to export" in cli("finance", "export", actor="Jan Bogaert", now=WHEN)
    answer = tmp_path / "camt054.xml"
    answer.write_bytes(bank_simulator.camt054((tmp_path / "run1.xml").read_bytes(), date(2027, 3, 15)))
    assert "payment_disbursed" in cli("finance", "import", str(answer), actor="Jan Bogaert", now=WHEN)
    assert "nothing to record" in cli("finance", "import", str(answer), actor="Jan Bogaert", now=WHEN)
    assert "agree on every transfer" in cli("finance", "reconcile", str(answer), now=WHEN)
    history = cli("show", "Parkly")
    assert "payment_disbursed" in history and "by Jan Bogaert" in history and "by Marie Claes" in history


def test_a_bad_bank_file_is_reported_line_by_line_and_records_nothing(requested: Cli, tmp_path: Path) -> None:
    cli = requested
    cli("payment", "approve", PARKLY_PAYMENT, actor="Marie Claes", now=WHEN)
    before = cli.snapshot()
    bad = tmp_path / "bank.csv"
    bad.write_text(
        "end_to_end_id,status,date,reference\n"
        f"{E2E},booked,2027-03-15,R1\n"
        "st-nobody/kick-off/1/1,booked,2027-03-15,R2\n"
        f"{E2E},sort of,2027-03-15,R3\n"
    )
    error = cli("finance", "import", str(bad), actor="Jan Bogaert", now=WHEN, ok=False)
    assert error.splitlines() == [
        f"error: {bad}: row 4: status: 'sort of' is not booked, rejected, returned or pending",
        f"error: {bad}: 1 problem(s); nothing recorded",
    ]
    bad.write_text("end_to_end_id,status,date,reference\nst-nobody/kick-off/1/1,booked,2027-03-15,R2\n")
    error = cli("finance", "import", str(bad), actor="Jan Bogaert", now=WHEN, ok=False)
    assert "row 2: EndToEndId st-nobody/kick-off/1/1: no payment has this end-to-end id" in error
    assert cli.snapshot() == before


def test_the_ledger_as_csv_and_excel(requested: Cli, tmp_path: Path) -> None:
    cli = requested
    table = cli("finance", "ledger", "--by", "challenge")
    assert "Parkly" in table and "3,000.00" in table and "balanced" in table
    csv_text = cli("finance", "ledger", "--format", "csv")
    assert csv_text.splitlines()[1].startswith(
        f"Parkly,{b.PARKLY},brugge,{b.CHALLENGE},cohort-2027,10000.00,3000.00"
    )
    cli("finance", "ledger", "--format", "xlsx", "--out", str(tmp_path / "ledger.xlsx"), "--by", "cohort")
    sheet = load_workbook(tmp_path / "ledger.xlsx")["By cohort"]
    assert sheet["A2"].value == "cohort-2027" and sheet["F2"].value == 10000
    assert "an Excel ledger needs a file" in cli("finance", "ledger", "--format", "xlsx", ok=False)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--iban", "BE84 4280 3870 1215"), "iban: 'BE84 4280 3870 1215' is not a valid IBAN"),
        (("--iban", "BR1800360305000010009795493C1"), "is not in the SEPA zone"),
        (("--iban", "BE83 4280 3870 1215", "--bic", "GEBABEBB"), "bic: GEBABEBB is not the BIC of"),
        (
            ("--iban", "BE83 4280 3870 1215", "--tranche", "kick-off=thirty"),
            "tranches: write milestone=percent",
        ),
    ],
)
def test_an_agreement_with_a_bad_account_is_refused(
    accelerating: Cli, args: tuple[str, ...], message: str
) -> None:
    before = accelerating.snapshot()
    error = accelerating(
        "grant", "agree", "Parkly", "--award", "10000", "--holder", "Parkly BV", *args, ok=False
    )
    assert message in error and error.count("error:") == 1
    assert accelerating.snapshot() == before


def test_an_export_without_a_debtor_account_says_what_to_set(
    accelerating: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ACCELERATOR_DEBTOR_IBAN", raising=False)
    assert "ACCELERATOR_DEBTOR_IBAN" in accelerating("finance", "export", ok=False)


def test_a_payment_rejected_by_finance_is_done_not_failed(requested: Cli) -> None:
    """Rejecting is what the officer asked for (exit 0); a request past the cap is refused (exit 1)."""
    out = requested(
        "payment", "reject", PARKLY_PAYMENT, "--reason", "wrong account", actor="Marie Claes", now=WHEN
    )
    assert out.startswith("✔ PaymentRejected")
    assert "by Marie Claes" in requested("show", "Parkly")
    past_cap = ("payment", "request", "Parkly", "--milestone", "kick-off", "--amount", "10000,01")
    error = requested(*past_cap, now=WHEN, ok=False)
    assert error.count("error:") == 1 and "rejected" in error and "10,000" in error, error
