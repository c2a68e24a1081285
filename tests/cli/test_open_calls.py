"""The CLI of open calls: framed challenges, applicants of any kind, Q&A, ideas, outcomes,
the public export; every bad input is one line and changes nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import Cli

CHALLENGE = "mechelen-climate-2027"
BEFORE, DURING, AFTER = "2027-05-20T10:00:00+02:00", "2027-06-10T10:00:00+02:00", "2027-07-20T10:00:00+02:00"


@pytest.fixture
def call(tmp_path: Path) -> Cli:
    cli = Cli(tmp_path / "mechelen.db")
    out = cli(
        "challenge", "publish", CHALLENGE, "--city", "mechelen", "--domain", "climate-adaptation",
        "--title", "Cooler streets", "--opens", "2027-06-01", "--closes", "2027-07-09",
        "--context", "The centre stays 6 °C warmer at night.", "--solution-type", "nature-based",
        "--goal", "2 °C cooler by 2030", "--budget-cap", "8000", "--sensor", "20 soil sensors",
        "--dataset", "Heat map 2026=https://data.mechelen.example/heat-2026", "--expert-hours", "20",
        "--country", "BE", "--country", "NL", "--country", "FR", "--country", "GB",
        "--criterion", "impact=40:Cooler streets", "--criterion", "feasibility=30",
        "--criterion", "involvement=30:Residents take part", "--timeline", "2027-06-01=the call opens",
        "--questions-to", "open-innovatie@mechelen.example", "--track", "accelerator", "--track", "ideas",
        now=BEFORE,
    )  # fmt: skip
    assert "ChallengePublished" in out
    assert "CallOpened" in cli("scheduler", "tick", now="2027-06-01T09:00:00+02:00")
    return cli


def stored(cli: Cli) -> tuple[str, str, str]:
    return (
        cli("challenge", "show", CHALLENGE),
        cli("startups"),
        cli("watch", "--from-start", "--max-events", "500", "--seconds", "1"),
    )


def apply(
    cli: Cli, *extra: str, number: str = "NL814553321B01", budget: str = "8000", ok: bool = True
) -> str:
    return cli(
        "apply", "--challenge", CHALLENGE, "--company", "Koeltegel", "--enterprise-number", number,
        "--contact-name", "Sanne de Vries", "--contact-email", "sanne@koeltegel.nl",
        "--proposal", "Cool tiles", "--budget", budget, *extra, now=DURING, ok=ok,
    )  # fmt: skip


def team(cli: Cli, *extra: str, now: str = DURING, ok: bool = True) -> str:
    return cli(
        "apply", "--challenge", CHALLENGE, "--kind", "citizens", "--country", "BE",
        "--company", "Team Groene Gevels", "--contact-name", "Lien Claes",
        "--contact-email", "lien@groenegevels.example", "--member", "Tom Peeters <tom@groenegevels.example>",
        "--proposal", "Facade gardens", "--budget", "0", *extra, now=now, ok=ok,
    )  # fmt: skip


class TestTheOpenCall:
    def test_a_framed_challenge_shows_its_criteria_offer_and_eligibility(self, call: Cli) -> None:
        shown = call("challenge", "show", CHALLENGE)
        for text in ("impact", "40 %", "EUR 8,000", "Heat map 2026", "BE, NL, FR, GB", "accelerator, ideas"):
            assert text in shown, text

    def test_a_dutch_company_and_a_citizen_team_apply(self, call: Cli) -> None:
        assert "ApplicationSubmitted" in apply(call)
        assert "ApplicationSubmitted" in team(call)
        table = call("startups")
        assert "Koeltegel" in table and "Team Groene Gevels" in table

    def test_a_question_answered_and_an_amendment_show_on_the_challenge(self, call: Cli) -> None:
        call("question", "ask", CHALLENGE, "--question", "Open data?", "--name", "Sanne", "--email", "s@k.nl")
        call("question", "answer", CHALLENGE, "--question-id", "q-1", "--answer", "Yes, CC BY 4.0.")
        call("challenge", "amend", CHALLENGE, "--note", "One more week", "--closes", "2027-07-16", now=DURING)
        shown = call("challenge", "show", CHALLENGE)
        assert "A: Yes, CC BY 4.0." in shown and "One more week (closes_on)" in shown
        assert "2027-07-16" in shown and "Sanne" not in shown

    def test_an_idea_shortlisted_and_invited_lets_its_team_apply_after_the_call(self, call: Cli) -> None:
        out = call(
            "idea", "submit", CHALLENGE, "--title", "Facade gardens", "--summary", "Neighbours plant",
            "--author", "Team Groene Gevels", "--country", "BE", "--contact-name", "Lien Claes",
            "--contact-email", "lien@groenegevels.example", now=DURING,
        )  # fmt: skip
        assert "IdeaSubmitted" in out
        (idea,) = [w for w in call("challenge", "show", CHALLENGE).split() if w.startswith("idea-")]
        call("idea", "shortlist", CHALLENGE, idea, now=AFTER)
        call("idea", "invite", CHALLENGE, idea, "--apply-by", "2027-07-31", now=AFTER)
        assert "error: challenge_id: the call" in team(call, now=AFTER, ok=False)
        assert "ApplicationSubmitted" in team(call, "--invitation", idea, now=AFTER)

    def test_the_funnel_ends_in_outcomes(self, call: Cli) -> None:
        funnel = call("funnel")
        assert "ideas submitted" in funnel and "procurements" in funnel and "roll-outs" in funnel


class TestBadInputIsOneLineAndChangesNothing:
    @pytest.mark.parametrize(
        ("number", "extra", "message"),
        [
            (
                "NL814553322B01",
                (),
                "enterprise_number: 'NL814553322B01' is not a valid Dutch VAT number: the",
            ),
            ("732829321", ("--country", "FR"), "enterprise_number: '732829321' is not a valid French SIREN"),
            ("BE0403170701", ("--country", "FR"), "country: 'BE0403170701' is a number from BE, not from FR"),
            ("DE136695976", (), "country: the call for mechelen-climate-2027 is open to applicants from BE"),
            ("27364265", ("--kind", "robot"), "kind: input should be 'company', 'self-employed'"),
        ],
    )
    def test_a_wrong_applicant(self, call: Cli, number: str, extra: tuple[str, ...], message: str) -> None:
        before = stored(call)
        error = apply(call, *extra, number=number, ok=False)
        assert error.count("\n") == 1 and error.startswith(f"error: {message}"), error
        assert stored(call) == before

    def test_a_kind_the_call_does_not_take(self, tmp_path: Path) -> None:
        cli = Cli(tmp_path / "companies.db")
        cli(
            "challenge", "publish", CHALLENGE, "--city", "mechelen", "--domain", "climate-adaptation",
            "--title", "Cooler streets", "--opens", "2027-06-01", "--closes", "2027-07-09",
            "--open-to", "company", now=BEFORE,
        )  # fmt: skip
        cli("scheduler", "tick", now="2027-06-01T09:00:00+02:00")
        before = stored(cli)
        error = team(cli, ok=False)
        assert error.strip() == (
            f"error: kind: the call for {CHALLENGE} is open to companies, "
            "not to citizens and teams of citizens"
        )
        assert stored(cli) == before

    def test_a_question_after_the_call_closed(self, call: Cli) -> None:
        call("scheduler", "tick", now=AFTER)
        before = stored(call)
        error = call("question", "ask", CHALLENGE, "--question", "Still time?", now=AFTER, ok=False)
        assert error.strip() == (
            f"error: challenge_id: the call for {CHALLENGE} closed on 2027-07-09; "
            "questions are taken until then"
        )
        assert stored(call) == before

    def test_weights_that_do_not_add_up_to_100(self, tmp_path: Path) -> None:
        cli = Cli(tmp_path / "weights.db")
        error = cli(
            "challenge", "publish", CHALLENGE, "--city", "mechelen", "--domain", "climate-adaptation",
            "--title", "Cooler streets", "--opens", "2027-06-01", "--closes", "2027-07-09",
            "--criterion", "impact=50", "--criterion", "feasibility=40", now=BEFORE, ok=False,
        )  # fmt: skip
        assert error.strip() == (
            "error: criteria: the weights must add up to 100 % (got 90 %: impact 50 %, feasibility 40 %)"
        )
        assert "no challenge" in cli("challenge", "show", CHALLENGE, ok=False)

    def test_an_amendment_after_the_call_closed(self, call: Cli) -> None:
        call("scheduler", "tick", now=AFTER)
        before = stored(call)
        error = call(
            "challenge", "amend", CHALLENGE, "--note", "Late", "--title", "Other", now=AFTER, ok=False
        )
        assert (
            error.strip()
            == f"error: challenge_id: the call for {CHALLENGE} closed on 2027-07-09; it is not amended"
        )
        assert stored(call) == before

    def test_new_weights_once_the_call_opened(self, call: Cli) -> None:
        error = call("challenge", "amend", CHALLENGE, "--note", "x", "--criterion", "impact=100", ok=False)
        assert error.startswith("error: criteria: the call for mechelen-climate-2027 has opened")

    def test_an_outcome_before_any_pilot(self, call: Cli) -> None:
        apply(call)
        error = call(
            "outcome", "procurement", "Koeltegel", "--buyer-city", "mechelen", "--procedure", "open",
            "--value", "120000", "--awarded-on", "2027-10-01", now=AFTER, ok=False,
        )  # fmt: skip
        assert "pilot is none; outcomes follow a completed one" in error


class TestThePublicExport:
    def test_json_has_the_framing_and_no_personal_data(self, call: Cli, tmp_path: Path) -> None:
        team(call)
        ask = (
            "question",
            "ask",
            CHALLENGE,
            "--question",
            "Open data?",
            "--name",
            "Sanne Q",
            "--email",
            "q@k.nl",
        )
        call(*ask, now=DURING)
        call("question", "answer", CHALLENGE, "--question-id", "q-1", "--answer", "Yes.", now=DURING)
        out = tmp_path / "challenges.json"
        call("challenge", "export", "--format", "json", "--output", str(out))
        text = out.read_text()
        (page,) = json.loads(text)["challenges"]
        assert [c["weight_percent"] for c in page["criteria"]] == [40, 30, 30]
        assert page["answers"] == [{"question": "Open data?", "answer": "Yes.", "published_on": "2027-06-10"}]
        for personal in ("Lien Claes", "lien@groenegevels.example", "Tom Peeters", "Sanne Q", "q@k.nl"):
            assert personal not in text

    def test_dcat_is_json_ld(self, call: Cli) -> None:
        document = json.loads(
            call("challenge", "export", "--format", "dcat", "--base-url", "https://x.example")
        )
        assert document["@type"] == "dcat:Catalog"
        assert (
            document["dcat:dataset"][0]["dcat:landingPage"]["@id"]
            == f"https://x.example/challenges/{CHALLENGE}"
        )

    def test_an_unknown_format(self, call: Cli) -> None:
        assert call("challenge", "export", "--format", "xml", ok=False).strip() == (
            "error: format: must be json or dcat (got 'xml')"
        )
