"""The dashboard in a real browser: Debian's Chromium driven by Playwright, against a real
`accelerator serve --demo` started on a free port of 127.0.0.1. Every page visited is saved
as a screenshot in the test's tmp dir.

Needs /usr/bin/chromium (bash deploy/chromium.sh); the tests say so and are skipped without it.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
PARKLY = "st-0d881f90"
WAIT_MS = 15_000

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="no Chromium: bash deploy/chromium.sh (as root)"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    store: Path
    token: str
    link: str
    output: Path

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "accelerator.cli", "--store", str(self.store), *args],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        return done.stdout

    def send(self, command: str, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.url}/api/v1/commands/{command}",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return dict(json.load(response))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`accelerator serve --demo` on a fresh store: the demo plays, then the app serves it."""
    home = tmp_path_factory.mktemp("serve")
    store, output, port = home / "demo.db", home / "serve.log", free_port()
    log = output.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "accelerator.cli",
            "--store",
            str(store),
            "serve",
            "--demo",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, output, process)
        text = output.read_text()
        token = re.search(r"API token \(shown once\): (\S+)", text)
        link = re.search(r"log in once with: (\S+)", text)
        assert token and link, text
        yield Server(url, store, token[1], link[1], output)
    finally:
        process.terminate()
        process.wait(30)
        log.close()


def wait_until_up(url: str, output: Path, process: subprocess.Popen[bytes], seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, output.read_text()
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"the server did not come up in {seconds} s:\n{output.read_text()}")


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """A fresh Chromium profile per test."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=ARGS,
            viewport={"width": 1280, "height": 900},
            locale="nl-BE",
        )
        context.set_default_timeout(WAIT_MS)
        try:
            yield context
        finally:
            context.close()


def shot(page: Any, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def log_in(page: Any, server: Server, token: str) -> None:
    """With the keyboard only: the token field, then Enter."""
    page.goto(f"{server.url}/login")
    page.keyboard.press("Tab")  # the skip link first
    page.locator("#token").focus()
    page.keyboard.type(token)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/login" not in page.url, page.content()


def test_the_dashboard_shows_the_demo_programme(server: Server, browser: Any, tmp_path: Path) -> None:
    page = browser.new_page()
    page.goto(server.link)  # the one-time link `serve --demo` printed
    assert page.locator("h1").inner_text() == "Overzicht van het programma"
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator("svg.chart").count() >= 5
    assert "€ 45.250,00" in page.locator(".cards").inner_text().replace("\u00a0", " ")
    shot(page, tmp_path, "overview")
    pages = {
        "startups": "/startups",
        "startup": f"/startups/{PARKLY}",
        "startup-as-of": f"/startups/{PARKLY}?as_of=2027-03-20",
        "grants": "/grants",
        "pilots": "/pilots",
        "payments": "/payments",
        "applications": "/applications",
        "live": "/live",
        "actions": "/actions",
        "form": "/actions/RequestPayment",
    }
    for name, path in pages.items():
        response = page.goto(server.url + path)
        assert response.status == 200, path
        shot(page, tmp_path, name)
    page.goto(f"{server.url}/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()
    shot(page, tmp_path, "docs")
    page.goto(f"{server.url}/startups")
    assert page.get_by_role("link", name="Parkly").count() == 1
    page.goto(f"{server.url}/startups/{PARKLY}?as_of=2027-03-20")
    assert "Zoals het was op het einde van 20 mrt 2027." in page.locator(".notice").inner_text()


def startup_with_a_deliverable_waiting(server: Server) -> str:
    """A new challenge of Brugge and one startup in the accelerator, its kick-off submitted."""
    today = date(2027, 10, 29)  # `serve --demo` carries on from the demo's last day
    later = (today + timedelta(days=30)).isoformat()
    challenge = "brugge-heritage-2027"
    server.send(
        "PublishChallenge",
        {
            "challenge_id": challenge,
            "city_id": "brugge",
            "domain": "tourism-heritage",
            "title": "Quiet routes past the belfry",
            "opens_on": today.isoformat(),
            "closes_on": later,
        },
    )
    server.send("OpenCall", {"challenge_id": challenge})
    applied = server.send(
        "SubmitApplication",
        {
            "challenge_id": challenge,
            "company_name": "Belfry Routes",
            "enterprise_number": "0552.134.688",
            "contact": {"name": "Ine Belfort", "email": "ine@belfryroutes.be"},
            "proposal": "Quiet walking routes",
            "requested_budget": "8000",
        },
    )
    startup = str(applied["events"][0]["subject"])
    scores = {"impact": 8, "innovation": 8, "feasibility": 8, "team": 8}
    server.send("AssignReviewer", {"startup_id": startup, "reviewer": "An Peeters"})
    server.send("ScoreApplication", {"startup_id": startup, "reviewer": "An Peeters", "scores": scores})
    server.send("DecideApplication", {"startup_id": startup, "decision": "selected"})
    server.send("AcceptOffer", {"startup_id": startup})
    server.send(
        "StartCohort",
        {"cohort_id": "cohort-2027-b", "starts_on": today.isoformat(), "startup_ids": [startup]},
    )
    server.send(
        "SubmitDeliverable",
        {"startup_id": startup, "key": "kick-off", "deliverable": "https://files.example/belfry.pdf"},
    )
    return startup


def test_a_milestone_approved_through_the_api_appears_on_the_open_page(
    server: Server, browser: Any, tmp_path: Path
) -> None:
    startup = startup_with_a_deliverable_waiting(server)
    page, live = browser.new_page(), browser.new_page()
    log_in(page, server, server.token)
    page.goto(f"{server.url}/startups/{startup}")
    live.goto(f"{server.url}/live?family=milestones")
    status = page.locator("#milestone-kick-off .status")
    assert "ingediend" in status.inner_text()
    page.evaluate("window.notReloaded = true")
    live.evaluate("window.notReloaded = true")
    time.sleep(1)  # both pages' streams are connected
    server.send("ApproveMilestone", {"startup_id": startup, "key": "kick-off"})
    page.locator("#milestone-kick-off .status", has_text="goedgekeurd").wait_for()
    live.locator("#events li.fresh", has_text="Mijlpaal goedgekeurd").wait_for()
    assert page.evaluate("window.notReloaded") and live.evaluate("window.notReloaded")
    assert "Belfry Routes" in live.locator("#events li.fresh").first.inner_text()
    shot(page, tmp_path, "startup-live")
    shot(live, tmp_path, "live-stream")


def test_the_language_switch_works(server: Server, browser: Any, tmp_path: Path) -> None:
    page = browser.new_page()
    log_in(page, server, server.token)
    page.get_by_role("link", name="English").click()
    page.locator("h1", has_text="Programme overview").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(f"{server.url}/grants")
    assert "10.000,00" in page.locator("table").first.inner_text()  # Belgian English amounts
    shot(page, tmp_path, "grants-en")
    page.get_by_role("link", name="Nederlands").click()
    page.locator("h1", has_text="Verbruik van de subsidie per startup").wait_for()
    assert page.locator("html").get_attribute("lang") == "nl"


def test_a_city_token_sees_only_its_city(server: Server, browser: Any, tmp_path: Path) -> None:
    issued = server.cli("tokens", "create", "--role", "city:mechelen", "--holder", "Mechelen integrator")
    token = next(line for line in issued.splitlines() if line.startswith("acc_"))
    page = browser.new_page()
    log_in(page, server, token)
    assert page.locator("h2", has_text="Mechelen").count() == 1
    assert page.locator("h2", has_text="Brugge").count() == 0
    shot(page, tmp_path, "city-overview")
    page.goto(f"{server.url}/startups")
    companies = page.locator("tbody th").all_inner_texts()
    assert "Heatgrid" in companies and "Parkly" not in companies
    shot(page, tmp_path, "city-startups")
    response = page.goto(f"{server.url}/startups/{PARKLY}")
    assert response.status == 404
    shot(page, tmp_path, "city-not-found")
