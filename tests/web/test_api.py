"""The API's answers: what each role sees of a resource, commands and their outcomes,
refusals as problem documents in the CLI's words, idempotent retries, body limits."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from accelerator.cli.output import validation_message
from accelerator.web.problems import field_errors
from events.applications import ApplicationSubmitted
from services.intake.commands import PublishChallenge
from tests.web.world import CURBSENSE, PARKLY, PARKLY_EMAIL, PAYMENT, WATT

PARKLY_IBAN_STORED = "BE83428038701215"


class TestWhatEachRoleSees:
    def test_the_manager_and_the_startup_itself_see_the_contact_a_city_does_not(self, as_: Any) -> None:
        for role, email in (("manager", PARKLY_EMAIL), ("parkly", PARKLY_EMAIL), ("brugge", None)):
            contact = as_(role).get(f"/applications/{PARKLY}").json()["contact"]
            assert (contact or {}).get("email") == email, role

    def test_finance_and_the_startup_itself_see_the_iban_a_city_does_not(self, as_: Any) -> None:
        for role, iban in (("finance", PARKLY_IBAN_STORED), ("parkly", PARKLY_IBAN_STORED), ("brugge", None)):
            assert as_(role).get(f"/payments/{PAYMENT}").json()["iban"] == iban, role

    def test_a_citys_history_is_its_feed_without_personal_or_bank_data(self, as_: Any) -> None:
        history = as_("brugge").get(f"/startups/{PARKLY}").json()["history"]
        assert history and all("contact" not in ce["data"] and "iban" not in ce["data"] for ce in history)
        assert all(
            ce["dataschema"].startswith("https://accelerator-tracker.eu/schemas/city/")
            for ce in history
            if "payment_requested" in ce["type"]
        )

    def test_a_startup_does_not_see_the_jurys_deliberation(self, as_: Any) -> None:
        detail = as_("parkly").get(f"/startups/{PARKLY}").json()
        assert detail["startup"]["scores"] == {} and detail["startup"]["reviewers"] == []
        assert not [
            ce
            for ce in detail["history"]
            if ce["type"].startswith("accelerator.selection.application_scored")
        ]

    def test_a_reviewer_sees_only_their_own_score_before_the_decision(self, as_: Any) -> None:
        undecided = as_("reviewer").get(f"/applications/{CURBSENSE}").json()["reviews"]
        assert [r["reviewer"] for r in undecided] == ["An Peeters"]
        decided = as_("reviewer").get(f"/applications/{PARKLY}").json()["reviews"]
        assert sorted(r["reviewer"] for r in decided) == ["An Peeters", "Koen Janssens"]

    def test_as_of_shows_the_startup_as_it_was(self, as_: Any) -> None:
        then = as_("manager").get(f"/startups/{PARKLY}", as_of="2027-02-01").json()
        assert then["startup"]["phase"] == "applied"
        assert [ce["type"] for ce in then["history"]] == [ApplicationSubmitted.event_type()]
        early = as_("manager").get(f"/startups/{PARKLY}", as_of="2027-01-01")
        assert early.status_code == 404
        assert early.json()["detail"] == f"as_of: {PARKLY} had not applied yet on 2027-01-01"

    def test_startups_are_paginated_and_filtered(self, as_: Any) -> None:
        first = as_("manager").get("/startups", per_page=2).json()
        assert (first["total"], len(first["items"])) == (3, 2)
        second = as_("manager").get("/startups", per_page=2, page=2).json()
        assert len(second["items"]) == 1
        selected = as_("manager").get("/startups", city="brugge", phase="in accelerator").json()
        assert [s["company_name"] for s in selected["items"]] == ["Parkly"]
        assert selected["items"][0]["grant"]["cap"] == "10000"


class TestCommands:
    def test_the_tokens_holder_is_the_actor_of_the_events(self, as_: Any) -> None:
        body = {"startup_id": PARKLY, "key": "poc-design", "deliverable": "https://files.example/design.pdf"}
        response = as_("parkly").send("SubmitDeliverable", body)
        assert response.status_code == 200, response.text
        (event,) = response.json()["events"]
        assert event["type"] == "accelerator.milestones.deliverable_submitted.v1"
        assert event["actor"] == "Lotte Peeters"

    def test_a_refusal_names_the_field_and_rule_in_the_clis_words(self, as_: Any) -> None:
        body = {"startup_id": WATT, "key": "poc-design"}
        response = as_("manager").send("ApproveMilestone", body)
        assert response.status_code == 422
        problem = response.json()
        assert problem["type"] == "https://accelerator-tracker.eu/problems/refused"
        assert problem["detail"] == "key: milestone poc-design has no deliverable waiting (planned)"
        assert (problem["field"], problem["rule"]) == (
            "key",
            "milestone poc-design has no deliverable waiting (planned)",
        )

    def test_invalid_fields_read_as_the_cli_says_them(self, as_: Any) -> None:
        body = {
            "challenge_id": "Brugge!",
            "city_id": "brugge",
            "domain": "mobility",
            "title": "x",
            "opens_on": "soon",
            "closes_on": "2027-05-01",
        }
        problem = as_("manager").send("PublishChallenge", body).json()
        try:
            PublishChallenge.model_validate(body)
        except ValidationError as error:
            cli = validation_message(error)
        assert problem["detail"] == cli
        assert [e["field"] for e in problem["errors"]] == ["challenge_id", "opens_on"]

    def test_a_refusal_kept_on_record_is_a_problem_with_its_event(self, as_: Any) -> None:
        as_("manager").send("ApproveMilestone", {"startup_id": WATT, "key": "kick-off"})
        body = {
            "startup_id": WATT,
            "milestone_key": "kick-off",
            "amount": "12000",
            "iban": "BE98 7225 5167 0793",
        }
        response = as_("manager").send("RequestPayment", body)
        assert response.status_code == 422
        problem = response.json()
        assert problem["type"].endswith("/refused-on-record")
        assert "rejected" in problem["detail"] and problem["events"][0]["type"].endswith(
            "payment_rejected.v1"
        )

    def test_a_repeated_idempotency_key_gives_the_first_outcome(self, as_: Any) -> None:
        body = {
            "startup_id": WATT,
            "expert": "Els Mertens",
            "topic": "Energy audits",
            "held_on": "2027-03-09",
            "hours": 2,
        }
        first = as_("manager").send("LogExpertSession", body, key="expert-session-1")
        again = as_("manager").send("LogExpertSession", body, key="expert-session-1")
        assert first.status_code == again.status_code == 200
        assert again.json()["repeated"] is True and again.headers["Idempotent-Replayed"] == "true"
        assert again.json()["events"] == first.json()["events"]
        sessions = as_("manager").get(f"/startups/{WATT}").json()["startup"]["expert_sessions"]
        assert sessions == 1

    def test_the_same_key_for_another_request_is_refused(self, as_: Any) -> None:
        body = {
            "startup_id": WATT,
            "expert": "Els Mertens",
            "topic": "Heat pumps",
            "held_on": "2027-03-10",
            "hours": 1,
        }
        as_("manager").send("LogExpertSession", body, key="expert-session-2")
        other = as_("manager").send("LogExpertSession", body | {"hours": 3}, key="expert-session-2")
        assert other.status_code == 422
        assert other.json()["field"] == "Idempotency-Key"

    def test_two_holders_keys_never_collide(self, as_: Any) -> None:
        body = {"payment_id": PAYMENT, "reason": "Wrong account"}
        as_("manager").send(
            "AssignReviewer", {"startup_id": CURBSENSE, "reviewer": "Els Mertens"}, key="same-key"
        )
        response = as_("finance").send("RejectPayment", body, key="same-key")
        assert response.status_code == 200, response.text
        assert response.json()["repeated"] is False

    def test_an_outcome_is_only_for_whoever_sent_the_command(self, as_: Any) -> None:
        response = as_("manager").send("AssignReviewer", {"startup_id": CURBSENSE, "reviewer": "Jan Claes"})
        command_id = response.json()["command_id"]
        assert as_("manager").get(f"/outcomes/{command_id}").status_code == 200
        assert as_("brugge").get(f"/outcomes/{command_id}").status_code == 404


class TestLimits:
    def test_a_body_over_the_limit_is_refused_before_it_is_read(self, as_: Any) -> None:
        api = as_("manager")
        response = api.client.post(
            "/api/v1/commands/PublishChallenge",
            content=b"{" + b" " * 70_000 + b"}",
            headers=api.headers({"content-type": "application/json"}),
        )
        assert response.status_code == 413
        assert response.json()["detail"] == "body: must be at most 65536 bytes"

    def test_field_errors_drop_the_request_part_of_the_location(self) -> None:
        errors = field_errors([{"loc": ("body", "contact", "email"), "msg": "Value is not a valid email"}])
        assert [(e.field, e.rule) for e in errors] == [("contact.email", "value is not a valid email")]
