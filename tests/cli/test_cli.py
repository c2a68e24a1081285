"""The `accelerator` command: the programme manager's tour, and every refusal is clear and harmless."""

from __future__ import annotations

from datetime import date

import pytest

from accelerator.bootstrap import embedded
from accelerator.settings import Settings
from services.kernel import VirtualClock
from tests import builders as b
from tests.cli.driver import WHEN, Cli, one_line
from tests.fakes import at

PARKLY_PAYMENT = f"{b.PARKLY}/kick-off/1"


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
    pytest.param(
        ("apply",),
        {"budget": "1,2,3", "company": "Commas", "number": "0428.759.497"},
        "requested_budget: '1,2,3' is not an amount in euros",
        id="budget with separators in odd places (never EUR 123)",
    ),
    pytest.param(
        ("apply",),
        {"budget": "1e309", "company": "Exponent", "number": "0428.759.497"},
        "requested_budget: must be an amount in euros, like 2500 or 2500,50 (got '1e309')",
        id="budget in exponent notation",
    ),
    pytest.param(
        ("apply",),
        {"budget": "[/x]", "company": "Markup", "number": "0428.759.497"},
        "requested_budget: must be an amount in euros, like 2500 or 2500,50 (got '[/x]')",
        id="budget that looks like markup",
    ),
    pytest.param(("show", "[/bold]"), None, "startup: no startup '[/bold]'", id="show a name like markup"),
    pytest.param(
        (
            "challenge",
            "publish",
            "Brugge Mobility",
            "--city",
            "brugge",
            "--domain",
            "mobility",
            "--title",
            "T",
            "--opens",
            "2027-04-01",
            "--closes",
            "2027-05-01",
        ),
        None,
        "challenge_id: string should match pattern '^[a-z0-9][a-z0-9-]{1,62}$'",
        id="a rule with brackets, printed whole",
    ),
    pytest.param(
        ("apply",),
        {"company": "Esc\x1b[2JCorp", "number": "0428.759.497"},
        "company_name: must not contain control characters (found U+001B)",
        id="company name with ESC",
    ),
    pytest.param(
        ("apply",),
        {"company": "Bel\x07Corp", "number": "0428.759.497"},
        "company_name: must not contain control characters (found U+0007)",
        id="company name with BEL",
    ),
    pytest.param(
        ("apply",),
        {"contact": "Lotte\x07", "company": "Velo", "number": "0428.759.497"},
        "contact.name: must not contain control characters (found U+0007)",
        id="contact name with BEL",
    ),
    pytest.param(
        ("review", "assign", "Parkly", "An\x1b]0;pwned\x07"),
        None,
        "reviewer: must not contain control characters (found U+001B)",
        id="reviewer that retitles the terminal",
    ),
    pytest.param(
        (
            "review",
            "score",
            "Parkly",
            "An Peeters",
            "--score",
            "impact=\u00b2",
            "--score",
            "innovation=5",
            "--score",
            "feasibility=5",
            "--score",
            "team=5",
        ),
        None,
        "scores.impact: must be a whole number, written criterion=value (got 'impact=\u00b2')",
        id="superscript digit as a score",
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
    assert one_line(error)
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


def test_a_name_that_looks_like_markup_is_kept_and_printed_as_typed(cli: Cli) -> None:
    name = "Acme [/bold] [red]Corp"
    cli.apply(company=name, number="0428.759.497")
    assert name in cli("startups")
    assert f"{name} (0428759497)" in cli("show", name)


def request_payment(cli: Cli, amount: str, ok: bool = True) -> str:
    iban = "BE83 4280 3870 1215"
    return cli(
        "payment",
        "request",
        "Parkly",
        "--milestone",
        "kick-off",
        "--amount",
        amount,
        "--iban",
        iban,
        now=WHEN,
        ok=ok,
    )


def requested_amounts(cli: Cli) -> list[str]:
    """What the log holds: the amount of every payment requested."""
    runtime = embedded(Settings(store=cli.store), VirtualClock(at(date(2027, 12, 31))))
    return [ce.data["amount"] for ce in runtime.history(b.PARKLY) if ce.type.endswith("payment_requested.v1")]


def test_an_amount_with_a_decimal_comma_is_two_euros_fifty(kick_off_approved: Cli) -> None:
    request_payment(kick_off_approved, "2,50")
    assert requested_amounts(kick_off_approved) == ["2.50"]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        pytest.param("2,500", "amount: '2,500' is ambiguous (thousands or decimals?)", id="2,500 ambiguous"),
        pytest.param("1,2,3", "amount: '1,2,3' is not an amount in euros", id="1,2,3 never 123"),
        pytest.param(
            "1e309", "amount: must be an amount in euros, like 2500 or 2500,50 (got '1e309')", id="1e309"
        ),
    ],
)
def test_a_payment_amount_that_is_not_clear_is_refused_and_changes_nothing(
    kick_off_approved: Cli, amount: str, message: str
) -> None:
    before = kick_off_approved.snapshot()
    error = request_payment(kick_off_approved, amount, ok=False)
    assert one_line(error) and message in error
    assert kick_off_approved.snapshot() == before
    assert requested_amounts(kick_off_approved) == []


def test_a_second_disbursement_under_another_reference_is_refused_as_a_double_transfer(
    kick_off_approved: Cli,
) -> None:
    cli = kick_off_approved
    request_payment(cli, "3000")
    cli("payment", "approve", PARKLY_PAYMENT, now=WHEN, actor="Marie Claes")
    cli("payment", "disbursed", PARKLY_PAYMENT, "--reference", "SEPA-2027-0042", now=WHEN)
    assert "nothing to do" in cli("payment", "disbursed", PARKLY_PAYMENT, "--reference", "SEPA-2027-0042")
    before = cli.snapshot()
    error = cli("payment", "disbursed", PARKLY_PAYMENT, "--reference", "SEPA-2027-0099", ok=False)
    assert one_line(error)
    assert (
        f"bank_reference: {PARKLY_PAYMENT} was already disbursed with bank reference SEPA-2027-0042, "
        "not SEPA-2027-0099: check for a double transfer"
    ) in error
    assert cli.snapshot() == before
