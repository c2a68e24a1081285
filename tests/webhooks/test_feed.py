"""The smallest cities' feed: GET /cities/{city}/events, its token, its pages by position."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from accelerator.web import tokens
from accelerator.web.feeds import create_app
from tests.conftest import DemoRun
from tests.webhooks.test_deliveries import City


@pytest.fixture
def city(embedded_demo: DemoRun, tmp_path: Path) -> City:
    return City(embedded_demo, tmp_path)


@pytest.fixture
def client(city: City) -> TestClient:
    return TestClient(create_app(city.settings))


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def test_a_city_pages_through_its_own_feed_by_position(city: City, client: TestClient) -> None:
    token = tokens.issue(client.app.state.feed.engine, "brugge")  # type: ignore[attr-defined]
    seen, url = [], "/cities/brugge/events?limit=50"
    while url:
        page = client.get(url, headers=bearer(token))
        assert page.status_code == 200 and page.headers["content-type"] == "application/feed+json"
        document = page.json()
        seen += document["items"]
        url = document.get("next_url", "").replace("http://testserver", "")
        assert ("link" in page.headers) == bool(url)
    assert [i["id"] for i in seen] == [ce.id for ce in city.feed()]
    positions = [i["_position"] for i in seen]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    assert all(i["_cloudevent"]["city"] == "brugge" for i in seen)
    assert "iban" not in page.text and "contact" not in str([i["_cloudevent"]["data"] for i in seen])


def test_after_a_position_only_what_came_later(city: City, client: TestClient) -> None:
    token = tokens.issue(client.app.state.feed.engine, "brugge")  # type: ignore[attr-defined]
    first = client.get("/cities/brugge/events?limit=10", headers=bearer(token)).json()["items"]
    later = client.get(f"/cities/brugge/events?after={first[-1]['_position']}&limit=5", headers=bearer(token))
    assert [i["id"] for i in later.json()["items"]] == [ce.id for ce in city.feed()[10:15]]


@pytest.mark.parametrize("header", [{}, bearer("acf_not-a-token"), {"authorization": "Basic YnJ1Z2dlOng="}])
def test_without_a_live_token_nothing(client: TestClient, header: dict[str, str]) -> None:
    answer = client.get("/cities/brugge/events", headers=header)
    assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"


def test_a_citys_token_opens_no_other_citys_feed_and_a_revoked_one_nothing(client: TestClient) -> None:
    engine = client.app.state.feed.engine  # type: ignore[attr-defined]
    token = tokens.issue(engine, "brugge")
    assert client.get("/cities/mechelen/events", headers=bearer(token)).status_code == 403
    tokens.revoke(engine, "brugge")
    assert client.get("/cities/brugge/events", headers=bearer(token)).status_code == 401
