"""Every endpoint x every role, from one table: allowed (2xx), refused (403), not even known
to exist (404), no valid token (401). The table is the specification, written out by hand:
it is not derived from accelerator/web/roles.py, so a change there that opens or closes a
door fails here until the specification says so too."""

from __future__ import annotations

from typing import Any

import pytest

from services.routing import COMMANDS
from tests.web.world import PARKLY, PAYMENT, WATT

ROLES = ("manager", "finance", "brugge", "mechelen", "reviewer", "sofie", "parkly", "watt", None, "revoked")
OK, NO, GONE, WHO = 200, 403, 404, 401

# Each row: a GET path, then the status for each role of ROLES (anonymous and revoked: 401).
READS: dict[str, tuple[int, ...]] = {
    "/startups": (OK, NO, OK, OK, NO, NO, OK, OK),
    f"/startups/{PARKLY}": (OK, NO, OK, GONE, NO, NO, OK, GONE),
    f"/startups/{PARKLY}?as_of=2027-02-01": (OK, NO, OK, GONE, NO, NO, OK, GONE),
    "/grants": (OK, OK, OK, OK, NO, NO, OK, OK),
    "/pilots": (OK, NO, OK, OK, NO, NO, OK, OK),
    "/challenges": (OK, NO, OK, OK, OK, OK, OK, OK),
    "/challenges/brugge-mobility-2027": (OK, NO, OK, GONE, OK, OK, OK, OK),
    "/applications": (OK, NO, OK, OK, OK, OK, OK, OK),
    f"/applications/{PARKLY}": (OK, NO, OK, GONE, OK, GONE, OK, GONE),
    "/reviews": (OK, NO, NO, NO, OK, OK, NO, NO),
    "/payments": (OK, OK, OK, OK, NO, NO, OK, OK),
    f"/payments/{PAYMENT}": (OK, OK, OK, GONE, NO, NO, OK, GONE),
    "/dead-letters": (OK, NO, NO, NO, NO, NO, NO, NO),
    "/rebuild": (OK, NO, NO, NO, NO, NO, NO, NO),
    "/me": (OK, OK, OK, OK, OK, OK, OK, OK),
    "/outcomes/0b7f0c9e-0000-5000-8000-000000000000": (GONE,) * 8,
}

SENDS: dict[str, frozenset[str]] = {
    "finance": frozenset(
        {
            "ApprovePayment",
            "RejectPayment",
            "RecordDisbursement",
            "RecordPaymentFailure",
            "RetryPayment",
            "ChangeBeneficiaryAccount",
            "ExportPayments",
        }
    ),
    "brugge": frozenset(
        {
            "PublishChallenge",
            "AmendChallenge",
            "OpenCall",
            "CloseCall",
            "ShortlistIdea",
            "StartPilot",
            "CompletePilot",
            "RecordProcurement",
            "RecordRollOut",
            "StopFollowUp",
        }
    ),
    "reviewer": frozenset({"DeclareConflictOfInterest", "ScoreApplication"}),
    "parkly": frozenset({"SubmitDeliverable", "AcceptOffer", "DeclineOffer", "WithdrawApplication"}),
}
"""Which command types each role may send (the manager: all of them)."""


def expected_reads() -> list[Any]:
    cases = []
    for path, statuses in READS.items():
        for role, status in zip(ROLES, (*statuses, WHO, WHO), strict=True):
            cases.append(pytest.param(path, role, status, id=f"GET {path.split('?')[0]} as {role}"))
    return cases


@pytest.mark.parametrize(("path", "role", "status"), expected_reads())
def test_every_read_answers_each_role_as_specified(
    as_: Any, path: str, role: str | None, status: int
) -> None:
    route, _, query = path.partition("?")
    params = dict(part.split("=") for part in query.split("&")) if query else {}
    response = as_(role).get(route, **params)
    assert response.status_code == status, response.text
    if status >= 400:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == status


def expected_sends() -> list[Any]:
    cases = []
    for name in COMMANDS:
        for role in ROLES:
            if role == "manager":
                status = 422  # allowed, and refused only because the empty body is not a command
            elif role in (None, "revoked"):
                status = WHO
            else:
                allowed = SENDS.get(
                    {"mechelen": "brugge", "sofie": "reviewer", "watt": "parkly"}.get(role, role)
                )
                status = 422 if name in (allowed or ()) else NO
            cases.append(pytest.param(name, role, status, id=f"{name} as {role}"))
    return cases


@pytest.mark.parametrize(("command", "role", "status"), expected_sends())
def test_every_command_is_refused_or_let_through_for_each_role(
    as_: Any, command: str, role: str | None, status: int
) -> None:
    """Who may not send a command type learns it before the body is read (401/403); who may
    gets as far as the body (422 for an empty one)."""
    response = as_(role).send(command, {})
    assert response.status_code == status, response.text


class TestScoping:
    """Allowed command types, about someone else's resource: 404, as if it did not exist."""

    @pytest.mark.parametrize(
        ("role", "command", "body"),
        [
            ("mechelen", "CloseCall", {"challenge_id": "brugge-mobility-2027"}),
            ("mechelen", "StartPilot", {"startup_id": PARKLY}),
            (
                "brugge",
                "PublishChallenge",
                {
                    "challenge_id": "mechelen-heat-2027",
                    "city_id": "mechelen",
                    "domain": "smart-energy",
                    "title": "Heat",
                    "opens_on": "2027-04-01",
                    "closes_on": "2027-05-01",
                },
            ),
            ("sofie", "ScoreApplication", {"startup_id": PARKLY, "reviewer": "Sofie Maes", "scores": {}}),
            ("watt", "SubmitDeliverable", {"startup_id": PARKLY, "key": "poc-design", "deliverable": "x"}),
            ("parkly", "WithdrawApplication", {"startup_id": WATT, "reason": "not ours"}),
            ("finance", "ApprovePayment", {"payment_id": "st-00000000/kick-off/1"}),
        ],
    )
    def test_someone_elses_resource_does_not_exist(
        self, as_: Any, role: str, command: str, body: dict[str, Any]
    ) -> None:
        response = as_(role).send(command, body)
        assert response.status_code == 404, response.text
        assert "no " in response.json()["detail"]

    def test_a_reviewer_scores_only_as_themselves(self, as_: Any) -> None:
        scores = {"impact": 5, "innovation": 5, "feasibility": 5, "team": 5}
        body = {"startup_id": PARKLY, "reviewer": "Koen Janssens", "scores": scores}
        response = as_("reviewer").send("ScoreApplication", body)
        assert response.status_code == 403
        assert response.json()["detail"] == "reviewer: must be yourself (An Peeters), not Koen Janssens"

    def test_a_city_sees_only_its_own_startups(self, as_: Any) -> None:
        ids = {s["startup_id"] for s in as_("mechelen").get("/startups").json()["items"]}
        assert ids == {WATT}
