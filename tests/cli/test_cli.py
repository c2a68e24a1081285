"""The `accelerator` command: the programme manager's tour, and every refusal is clear and harmless."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from accelerator.cli import app
from tests import builders as b

PARKLY_PAYMENT = f"{b.PARKLY}/kick-off/1"


class Cli:
    def __init__(self, store: Path) -> None:
        self.store = store
        self.runner = CliRunner()

    def __call__(
        self, *args: str, now: str = "2027-01-20T10:00:00+01:00", ok: bool = True, actor: str = "An Peeters"
    ) -> str:
        result = self.runner.invoke(app, ["--store", str(self.store), "--now", now, "--as", actor, *args])
        if ok:
            assert result.exit_code == 0, result.output + result.stderr
            return result.stdout
        assert result.exit_code == 1, result.output
        assert result.stdout.count("error:") == 0
        return result.stderr

    def apply(
        self,
        *extra: str,
        company: str = "Parkly",
        number: str = "0403.170.701",
        budget: str = "10000",
        now: str = "2027-01-20T10:00:00+01:00",
        ok: bool = True,
    ) -> str:
        return self(
            "apply",
            "--challenge",
            b.CHALLENGE,
            "--company",
            company,
            "--enterprise-number",
            number,
            "--contact-name",
            "Lotte Peeters",
            "--contact-email",
            "lotte@parkly.be",
            "--proposal",
            "Bookable loading zones",
            "--budget",
            budget,
            *extra,
            now=now,
            ok=ok,
        )

    def snapshot(self) -> tuple[str, str]:
        """What is stored: the log's history of Parkly and the startups table."""
        return self("show", "Parkly", now="2027-12-31T10:00:00+01:00"), self("startups")


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    cli = Cli(tmp_path / "brugge.db")
    cli(
        "challenge",
        "publish",
        b.CHALLENGE,
        "--city",
        "brugge",
        "--domain",
        "mobility",
        "--title",
        "Smart loading zones",
        "--opens",
        "2027-01-11",
        "--closes",
        "2027-02-12",
        now="2027-01-04T09:00:00+01:00",
    )
    assert "CallOpened" in cli("scheduler", "tick", now="2027-01-11T09:00:00+01:00")
    assert b.PARKLY in cli.apply()
    return cli


@pytest.fixture
def accelerating(cli: Cli) -> Cli:
    cli("review", "assign", "Parkly", "An Peeters")
    cli(
        "review",
        "score",
        "Parkly",
        "An Peeters",
        *[f"--score={c}=8" for c in ("impact", "innovation", "feasibility", "team")],
    )
    cli("review", "decide", "Parkly", "selected")
    cli("offer", "accept", "Parkly")
    assert "CohortStarted" in cli(
        "cohort", "start", "cohort-2027", "--starts", "2027-03-01", now="2027-03-01T09:00:00+01:00"
    )
    return cli


class TestTheProgrammeManagersTour:
    def test_from_application_to_a_disbursed_tranche(self, accelerating: Cli) -> None:
        cli, when = accelerating, "2027-03-12T10:00:00+01:00"
        cli("milestone", "submit", "Parkly", "kick-off", "--deliverable", "kick-off.pdf", now=when)
        cli("milestone", "approve", "Parkly", "kick-off", now=when)
        cli(
            "payment",
            "request",
            "Parkly",
            "--milestone",
            "kick-off",
            "--amount",
            "3000",
            "--iban",
            "BE83 4280 3870 1215",
            now=when,
        )
        approved = cli("payment", "approve", PARKLY_PAYMENT, now=when, actor="Marie Claes")
        assert "PaymentInstructed" in approved
        cli("payment", "disbursed", PARKLY_PAYMENT, "--reference", "SEPA-42", now=when)
        table = cli("startups")
        assert "Parkly" in table and "in accelerator" in table and "3,000.00" in table and "7,000.00" in table

    def test_show_as_of_a_date_replays_the_past(self, accelerating: Cli) -> None:
        accelerating(
            "milestone",
            "submit",
            "Parkly",
            "kick-off",
            "--deliverable",
            "k.pdf",
            now="2027-03-20T10:00:00+01:00",
        )
        before = accelerating("show", "Parkly", "--as-of", "2027-03-05")
        after = accelerating("show", "Parkly")
        assert "deliverable_submitted" not in before and "deliverable_submitted" in after
        assert "as of 2027-03-05" in before

    def test_watch_follows_one_family(self, accelerating: Cli) -> None:
        out = accelerating(
            "watch", "--family", "selection", "--from-start", "--max-events", "10", "--seconds", "2"
        )
        assert "reviewer_assigned" in out and "offer_accepted" in out
        assert "application_submitted" not in out

    def test_rebuild_reports_a_match(self, accelerating: Cli) -> None:
        assert "the read model matches the log" in accelerating("rebuild")


BAD_INPUT = [
    pytest.param(
        ("apply",),
        {"budget": "12500", "company": "Overreach"},
        "requested_budget: must be at most EUR 10,000",
        id="budget over the cap",
    ),
    pytest.param(
        ("apply",),
        {"budget": "-5", "company": "Negative"},
        "requested_budget: must be more than EUR 0",
        id="negative budget",
    ),
    pytest.param(
        ("apply",),
        {"budget": "ten thousand"},
        "requested_budget: must be an amount in euros",
        id="budget not a number",
    ),
    pytest.param(
        ("apply",),
        {"number": "0403.170.702", "company": "Typo"},
        "enterprise_number: '0403.170.702' is not a valid Belgian",
        id="invalid enterprise number",
    ),
    pytest.param(
        ("apply",), {}, "enterprise_number: company 0403170701 already applied", id="duplicate application"
    ),
    pytest.param(
        ("apply",),
        {"company": "Late", "number": "0428.759.497", "now": "2027-02-14T10:00:00+01:00"},
        "challenge_id: the call for brugge-mobility-2027 is not open on 2027-02-14",
        id="after the call closed",
    ),
    pytest.param(
        (
            "review",
            "score",
            "Parkly",
            "An Peeters",
            "--score",
            "impact=11",
            "--score",
            "innovation=5",
            "--score",
            "feasibility=5",
            "--score",
            "team=5",
        ),
        None,
        "scores.impact: must be between 0 and 10",
        id="score outside the scale",
    ),
    pytest.param(
        ("milestone", "submit", "Parkly", "kick-off", "--deliverable", "x"),
        None,
        "startup_id: st-0d881f90 is not in the accelerator",
        id="milestone before the accelerator",
    ),
    pytest.param(("show", "st-nobody"), None, "startup: no startup 'st-nobody'", id="unknown startup"),
    pytest.param(
        (
            "challenge",
            "publish",
            "mechelen-energy-2027",
            "--city",
            "mechelen",
            "--domain",
            "energy",
            "--title",
            "T",
            "--opens",
            "2027-13-01",
            "--closes",
            "2027-02-01",
        ),
        None,
        "domain: input should be 'mobility'",
        id="unknown domain",
    ),
    pytest.param(
        (
            "challenge",
            "publish",
            "mechelen-energy-2027",
            "--city",
            "mechelen",
            "--domain",
            "smart-energy",
            "--title",
            "T",
            "--opens",
            "2027-13-01",
            "--closes",
            "2027-02-01",
        ),
        None,
        "opens_on: input should be a valid date",
        id="impossible date",
    ),
]


@pytest.mark.parametrize(("args", "apply_with", "message"), BAD_INPUT)
def test_bad_input_is_refused_with_the_field_and_the_rule_and_changes_nothing(
    cli: Cli, args: tuple[str, ...], apply_with: dict[str, str] | None, message: str
) -> None:
    cli("review", "assign", "Parkly", "An Peeters")
    before = cli.snapshot()
    error = cli.apply(ok=False, **apply_with) if apply_with is not None else cli(*args, ok=False)
    assert message in error
    assert error.strip().startswith("error:") and len(error.strip().splitlines()) == 1
    assert cli.snapshot() == before


def test_a_reviewer_with_a_conflict_cannot_score(cli: Cli) -> None:
    cli("review", "assign", "Parkly", "Koen Janssens")
    cli("review", "conflict", "Parkly", "Koen Janssens", "--reason", "former co-founder")
    before = cli.snapshot()
    error = cli(
        "review",
        "score",
        "Parkly",
        "Koen Janssens",
        *[f"--score={c}=9" for c in ("impact", "innovation", "feasibility", "team")],
        ok=False,
    )
    assert "reviewer: Koen Janssens declared a conflict of interest and may not score" in error
    assert cli.snapshot() == before


def test_a_payment_past_the_cap_is_recorded_as_rejected_and_exits_non_zero(accelerating: Cli) -> None:
    cli, when = accelerating, "2027-03-12T10:00:00+01:00"
    cli("milestone", "submit", "Parkly", "kick-off", "--deliverable", "kick-off.pdf", now=when)
    cli("milestone", "approve", "Parkly", "kick-off", now=when)
    error = cli(
        "payment",
        "request",
        "Parkly",
        "--milestone",
        "kick-off",
        "--amount",
        "10000.01",
        "--iban",
        "BE83 4280 3870 1215",
        now=when,
        ok=False,
    )
    assert (
        "rejected — amount: EUR 10,000.01 would bring the grant to EUR 10,000.01, above the EUR 10,000 cap"
        in error
    )
    assert "payment_rejected" in cli("show", "Parkly")


def test_a_foreign_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    store = tmp_path / "budget.xlsx"
    store.write_bytes(b"Brugge budget 2027, not a database\n" * 50)
    before = store.read_bytes()
    error = Cli(store)("startups", ok=False)
    assert f"store: {store} is not an accelerator store (not a SQLite database)" in error
    assert store.read_bytes() == before


def test_an_empty_file_becomes_a_new_store(tmp_path: Path) -> None:
    store = tmp_path / "new.db"
    store.touch()
    assert "Startups" in Cli(store)("startups")
    assert store.read_bytes().startswith(b"SQLite format 3")


def test_a_corrupt_store_is_refused(cli: Cli) -> None:
    data = bytearray(cli.store.read_bytes())
    data[4096:] = b"\x00\xff" * ((len(data) - 4096) // 2)
    cli.store.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(f"{cli.store}{suffix}").unlink(missing_ok=True)
    assert "is corrupt" in cli("startups", ok=False)
