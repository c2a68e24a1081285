"""The demo programme, as a specification of the whole lifecycle on the embedded runtime."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from accelerator import finance, queries
from accelerator.demo import APPLICANTS, JOURNEYS
from accelerator.demo_open import APPLICANTS as OPEN_CALL
from services.payments import ledger
from services.projector.views import StartupView
from tests.conftest import DemoRun

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module", params=["embedded", pytest.param("kafka", marks=pytest.mark.kafka)])
def finished(request: pytest.FixtureRequest) -> DemoRun:
    """The same scenario on both runtimes: every test below runs against each."""
    return request.getfixturevalue(f"{request.param}_demo")


@pytest.fixture(scope="module")
def views(finished: DemoRun) -> dict[str, StartupView]:
    return {v.company_name: v for v in finished.runtime.startups()}


@pytest.mark.kafka
def test_both_runtimes_end_in_exactly_the_same_projected_state(
    embedded_demo: DemoRun, kafka_demo: DemoRun
) -> None:
    """One scenario, two runtimes: the embedded store's views and the Kafka runtime's
    (the projector into PostgreSQL) are the same, startup by startup."""
    embedded, kafka = embedded_demo.runtime, kafka_demo.runtime
    assert len(embedded.startups()) == len(APPLICANTS) + len(OPEN_CALL)
    assert kafka.startups() == embedded.startups()
    assert kafka.challenges() == embedded.challenges()


def test_every_applicant_has_a_projected_state(views: dict[str, StartupView]) -> None:
    assert set(views) == {a.company for a in APPLICANTS} | set(OPEN_CALL)
    assert len({v.city_id for v in views.values()}) == 2
    assert len({v.challenge_id for v in views.values()}) == 4


def test_the_phases_at_the_end(views: dict[str, StartupView]) -> None:
    phases = {company: view.phase for company, view in views.items()}
    assert phases == {
        "Parkly": "completed",
        "Curbsense": "completed",
        "Heatgrid": "completed",
        "Litterlens": "completed",
        "Canal Clean": "completed",
        "Voltloop": "terminated",
        "Watt Warden": "declined",
        "Dustmap": "withdrawn",
        "Cargoroute": "waitlisted",
        "Binsight": "waitlisted",
        "Veloflow": "rejected",
        "Bus Beacon": "rejected",
        "Solaris Roofs": "rejected",
        "Koeltegel": "accepted",  # the open call's two: the autumn cohort starts after the demo
        "Team Groene Gevels": "accepted",
    }


def test_startups_that_delivered_everything_were_paid_their_whole_award(
    views: dict[str, StartupView],
) -> None:
    budgets = {a.company: a.budget for a in APPLICANTS}
    for company, journey in JOURNEYS.items():
        if len(journey.submits) == 4:
            assert views[company].paid == budgets[company], company
            assert views[company].milestones_done == 4, company


def test_nobody_received_more_than_ten_thousand_euros(views: dict[str, StartupView]) -> None:
    assert max(v.paid for v in views.values()) == Decimal(10000)
    assert all(v.remaining >= 0 for v in views.values())


def test_the_request_past_the_cap_was_recorded_as_rejected_with_its_reason(
    views: dict[str, StartupView],
) -> None:
    (refused,) = [p for p in views["Heatgrid"].payments.values() if p.status == "rejected"]
    assert refused.amount == Decimal(1000)
    assert "above the EUR 10,000 cap" in refused.reason


def test_the_failed_transfer_was_paid_on_its_second_attempt(views: dict[str, StartupView]) -> None:
    kick_off = next(p for p in views["Curbsense"].payments.values() if p.milestone_key == "kick-off")
    assert (kick_off.status, kick_off.attempts) == ("disbursed", 2)


def test_late_and_overdue_milestones_show(views: dict[str, StartupView]) -> None:
    assert views["Curbsense"].milestones["kick-off"].late
    assert views["Canal Clean"].milestones["final-demo"].overdue
    assert views["Heatgrid"].milestones["poc-design"].sent_back == 1
    voltloop = views["Voltloop"]
    assert (voltloop.milestones_done, voltloop.milestones_overdue, voltloop.paid) == (1, 1, Decimal("2250"))


def test_two_pilots(views: dict[str, StartupView]) -> None:
    pilots = {c: (v.pilot_city, v.pilot_status, v.pilot_rating) for c, v in views.items() if v.pilot_city}
    assert pilots == {"Parkly": ("brugge", "completed", 4), "Heatgrid": ("mechelen", "started", None)}


def test_experts_and_hardware(views: dict[str, StartupView]) -> None:
    assert views["Parkly"].expert_hours == 2
    assert views["Parkly"].hardware_on_loan == []
    assert views["Litterlens"].hardware_on_loan == ["air-kit-07"]


def test_the_demo_shows_its_refusals(finished: DemoRun) -> None:
    refusals = finished.programme.refusals
    assert [r.split(":")[0] for r in refusals] == [
        "requested_budget",
        "enterprise_number",
        "challenge_id",
        "reviewer",
        "actor",  # the milestone's approver approving the tranche it released (four eyes)
        "iban",  # an account changed while a transfer to it is with the bank
    ]


def test_the_ledger_balances_and_every_exported_euro_is_accounted_for(finished: DemoRun) -> None:
    found = finance.book(finished.runtime)
    bank = ledger.bank_balance(found)
    assert bank.balanced and bank.awaited == 0
    assert bank.returned == Decimal(2400), "Curbsense's kick-off (30 % of EUR 8,000) came back once"
    assert bank.booked == sum((r.disbursed for r in ledger.rows(found)), Decimal(0))
    assert all(row.balanced for row in ledger.rows(found))
    assert len(found.files) >= 2


def test_each_transfer_was_in_exactly_one_file_and_its_retry_in_a_later_one(finished: DemoRun) -> None:
    found = finance.book(finished.runtime)
    e2e_ids = [line.end_to_end_id for f in found.files.values() for line in f.lines]
    assert len(e2e_ids) == len(set(e2e_ids))
    curbsense = [
        e for e in e2e_ids if "/kick-off/1/" in e and e.startswith(startup_of(finished, "Curbsense"))
    ]
    assert sorted(curbsense)[-1].endswith("/2") and len(curbsense) == 2


def startup_of(finished: DemoRun, company: str) -> str:
    return next(v.startup_id for v in finished.runtime.startups() if v.company_name == company)


def test_every_event_names_who_gave_its_command(finished: DemoRun) -> None:
    history = finished.runtime.history()
    assert history and all(ce.actor for ce in history)
    actors = {ce.actor for ce in history}
    assert {
        "Lotte Claes",
        "Marie Claes",
        "Jan Bogaert",
        "system:requests-tranches",
        "system:scheduler",
    } <= actors


def test_the_read_model_matches_a_replay_of_the_log(finished: DemoRun) -> None:
    report = queries.rebuild(finished.runtime)
    assert report.matches, report.differences
    assert report.startups == len(APPLICANTS) + len(OPEN_CALL)


def test_a_dutch_company_and_a_citizen_team_answered_the_open_call(views: dict[str, StartupView]) -> None:
    delft, team = views["Koeltegel"], views["Team Groene Gevels"]
    assert (delft.country, delft.registration_scheme, delft.enterprise_number) == (
        "NL",
        "eu-vat",
        "NL814553321B01",
    )
    assert (team.kind, team.enterprise_number, team.requested_budget) == ("citizens", "", Decimal(0))
    assert team.invited_idea is not None
    # 40 % impact 8, 30 % feasibility 8, 30 % involvement 6: the published weights, not the defaults
    assert set(delft.scores.values()) == {Decimal("7.40")}


def test_the_open_call_shows_its_framing_answers_amendment_and_ideas(finished: DemoRun) -> None:
    (climate,) = [c for c in finished.runtime.challenges() if c.challenge_id == "mechelen-climate-2027"]
    assert [c.weight_percent for c in climate.criteria] == [40, 30, 30]
    assert [a.question_id for a in climate.answers] == ["q-1"]
    assert [a.changed for a in climate.amendments] == [["closes_on"]]
    assert sorted(i.status for i in climate.ideas.values()) == ["invited", "submitted"]


def test_parklys_pilot_ends_in_a_procurement_and_a_roll_out(views: dict[str, StartupView]) -> None:
    outcome = views["Parkly"].outcome
    assert [(p.buyer_city, p.procedure, p.contract_value) for p in outcome.procurements] == [
        ("brugge", "innovation-partnership", Decimal(185000))
    ]
    assert outcome.rolled_out_to == ["mechelen"]


def readme_command(marker: str) -> str:
    """The first line of a command block of README.md that names `marker` (its comment cut)."""
    text = (ROOT / "README.md").read_text()
    for block in re.findall(r"```(?:bash|sh)\n(.*?)```", text, flags=re.DOTALL):
        for line in block.splitlines():
            if marker in line:
                return line.split("  #")[0].strip()
    raise AssertionError(f"README.md has no command with {marker!r}")


@pytest.mark.slow
def test_the_readme_demo_command_runs_on_a_fresh_data_directory(tmp_path: Path) -> None:
    command = readme_command("demo")
    assert command == "bash scripts/demo.sh"
    env = {
        **os.environ,
        "ACCELERATOR_DEMO_STORE": str(tmp_path / "fresh" / "demo.db"),
        "ACCELERATOR_VENV": str(Path(sys.prefix)),
    }
    result = subprocess.run(
        ["bash", "scripts/demo.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    assert "Projected state on 2027-10-29" in result.stdout
    for company in ("Parkly", "Heatgrid", "Voltloop"):
        assert company in result.stdout
    assert "PaymentRejected" in result.stdout
    assert (tmp_path / "fresh" / "demo.db").exists()


def test_the_readme_serve_command_is_a_real_command() -> None:
    """`serve --demo` itself is driven for real by tests/web/test_browser.py."""
    from typer.testing import CliRunner

    from accelerator.cli import app

    assert readme_command("serve --demo") == ".venv/bin/accelerator serve --demo"
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0 and "--demo" in result.stdout


def test_the_cities_feeds_carry_no_account_data(embedded_demo: DemoRun) -> None:
    """Agreements, instructions and exports happened, yet no city received an IBAN, a BIC or
    an account holder (the embedded runtime's feed; tests/kafka covers the city topics)."""
    from sqlmodel import Session, select

    from accelerator.demo import IBANS
    from accelerator.embedded.runtime import EmbeddedRuntime
    from accelerator.embedded.tables import FeedRow

    runtime = embedded_demo.runtime
    assert isinstance(runtime, EmbeddedRuntime)
    with Session(runtime.engine) as session:
        published = [row.envelope for row in session.exec(select(FeedRow))]
    text = "\n".join(published)
    assert "grant_agreed" in text and "payment_instructed" in text
    for secret in ('"iban"', '"bic"', '"account_holder"', '"lines"', "KREDBEBB", ' BV"'):
        assert secret not in text, secret
    assert not any(iban.replace(" ", "") in text for iban in IBANS.values())
