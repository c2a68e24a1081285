"""The dashboard without a browser: login and session cookie, CSRF on forms, security
headers, forms that read Belgian amounts and Windows line ends, and logs without IBANs."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from accelerator.web.roles import Kind, Role
from services.participation.commands import ApproveMilestone
from tests.web.conftest import make_world
from tests.web.world import PARKLY, WATT, World


@pytest.fixture(scope="module")
def programme(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, FastAPI]]:
    """The dashboard's own tests run on the embedded runtime (the API's run on both)."""
    yield from make_world("embedded", tmp_path_factory.mktemp("pages"))


@pytest.fixture
def browser(programme: tuple[World, FastAPI]) -> TestClient:
    """A client with its own cookie jar (a browser), not following redirects."""
    return TestClient(programme[1], follow_redirects=False)


def csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page
    return found[1]


def log_in(client: TestClient, token: str) -> None:
    form = client.get("/login")
    response = client.post("/login", data={"token": token, "csrf_token": csrf(form.text), "next": "/"})
    assert response.status_code == 303, response.text


class TestSession:
    def test_a_page_without_a_session_sends_to_the_login(self, browser: TestClient) -> None:
        response = browser.get(f"/startups/{PARKLY}")
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next=/startups/{PARKLY}"

    def test_the_session_cookie_is_signed_httponly_and_lax(self, browser: TestClient, world: World) -> None:
        form = browser.get("/login")
        sent = browser.post("/login", data={"token": world.tokens["manager"], "csrf_token": csrf(form.text)})
        set_cookie = sent.headers["set-cookie"].lower()
        assert (
            set_cookie.startswith("accelerator_session=")
            and "httponly" in set_cookie
            and "samesite=lax" in set_cookie
        )
        assert world.tokens["manager"].lower() not in set_cookie  # the cookie names the token, never holds it

    def test_a_wrong_token_is_refused_with_the_reason(self, browser: TestClient) -> None:
        form = browser.get("/login")
        response = browser.post("/login", data={"token": "acc_nope.nope", "csrf_token": csrf(form.text)})
        assert response.status_code == 401
        assert "Dit token is onbekend of ingetrokken." in response.text

    def test_a_city_sees_its_own_startups_and_not_the_others(self, browser: TestClient, world: World) -> None:
        log_in(browser, world.tokens["mechelen"])
        assert browser.get(f"/startups/{WATT}").status_code == 200
        other = browser.get(f"/startups/{PARKLY}")
        assert other.status_code == 404 and "Niet gevonden" in other.text

    def test_a_revoked_token_ends_its_browser_sessions(
        self, browser: TestClient, world: World, programme: Any
    ) -> None:
        tokens = programme[1].state.web.tokens
        issued = tokens.create(Role(Kind.CITY, "brugge"), "Temporary integrator")
        log_in(browser, issued.token)
        assert browser.get(f"/startups/{PARKLY}").status_code == 200
        tokens.revoke(issued.principal.token_id)
        assert browser.get(f"/startups/{PARKLY}").status_code == 303

    def test_the_session_cookie_does_not_send_commands_to_the_api(
        self, browser: TestClient, world: World
    ) -> None:
        log_in(browser, world.tokens["manager"])
        assert browser.get("/api/v1/me").status_code == 200
        response = browser.post(
            "/api/v1/commands/ApproveMilestone", json={"startup_id": WATT, "key": "kick-off"}
        )
        assert response.status_code == 401


class TestForms:
    def test_a_form_without_its_csrf_token_is_refused(self, browser: TestClient, world: World) -> None:
        log_in(browser, world.tokens["manager"])
        response = browser.post("/actions/AssignReviewer", data={"startup_id": WATT, "reviewer": "Mallory"})
        assert response.status_code == 403
        assert "csrf_token" in response.text

    def test_a_form_from_another_site_is_refused(self, browser: TestClient, world: World) -> None:
        log_in(browser, world.tokens["manager"])
        token = csrf(browser.get("/actions/AssignReviewer").text)
        data = {"startup_id": WATT, "reviewer": "Mallory", "csrf_token": token}
        response = browser.post(
            "/actions/AssignReviewer", data=data, headers={"Origin": "https://evil.example"}
        )
        assert response.status_code == 403

    def test_belgian_amounts_and_windows_line_ends_are_read(self, browser: TestClient, world: World) -> None:
        log_in(browser, world.tokens["manager"])
        page = browser.get("/actions/RequestPayment")
        data = {
            "csrf_token": csrf(page.text),
            "startup_id": WATT,
            "milestone_key": "kick-off",
            "amount": "1.250,50",
            "iban": "BE98 7225 5167 0793",
            "next": f"/startups/{WATT}",
        }
        world.runtime.handle(ApproveMilestone(startup_id=WATT, key="kick-off"))
        response = browser.post("/actions/RequestPayment", data=data)
        assert response.status_code == 303, response.text
        payments = world.runtime.startups("mechelen")[0].payments
        assert [str(p.amount) for p in payments.values()] == ["1250.50"]
        reason = "Line one\r\nline two"
        page = browser.get("/actions/WithdrawApplication")
        sent = browser.post(
            "/actions/WithdrawApplication",
            data={"csrf_token": csrf(page.text), "startup_id": WATT, "reason": reason},
        )
        assert sent.status_code == 422  # refused by the rule (accepted its offer), not by a control character
        assert "accepted its offer" in sent.text and "U+000D" not in sent.text

    def test_a_refused_form_shows_the_rule_next_to_the_field(self, browser: TestClient, world: World) -> None:
        log_in(browser, world.tokens["manager"])
        page = browser.get("/actions/RequestPayment")
        data = {
            "csrf_token": csrf(page.text),
            "startup_id": WATT,
            "milestone_key": "kick-off",
            "amount": "2,500",
            "iban": "x",
        }
        response = browser.post("/actions/RequestPayment", data=data)
        assert response.status_code == 422
        assert "amount: &#39;2,500&#39; is ambiguous" in response.text
        assert 'aria-invalid="true"' in response.text


class TestHeaders:
    def test_pages_carry_a_strict_content_security_policy(self, browser: TestClient) -> None:
        headers = browser.get("/login").headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"

    def test_the_language_is_switched_by_a_cookie(self, browser: TestClient) -> None:
        assert '<html lang="nl">' in browser.get("/login").text
        browser.get("/lang/en?next=/login")
        assert '<html lang="en">' in browser.get("/login").text
        assert browser.get("/lang/en?next=https://evil.example").headers["location"] == "/"


def test_no_iban_reaches_the_logs(as_: Any, world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    body = {
        "startup_id": PARKLY,
        "milestone_key": "poc-design",
        "amount": "1000",
        "iban": "BE71 5698 0911 4869",
    }
    as_("manager").send("RequestPayment", body)
    as_("finance").get("/payments")
    assert "5698" not in caplog.text and "BE71" not in caplog.text
