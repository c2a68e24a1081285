"""The smallest cities' feed: GET /cities/{city}/events in the web app, the city's token, its
pages by position."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from accelerator.web.app import create_app
from accelerator.web.roles import Role
from accelerator.web.tokens import TokenStore
from tests.conftest import DemoRun
from tests.webhooks.test_deliveries import City


@pytest.fixture
def city(embedded_demo: DemoRun, tmp_path: Path) -> City:
    return City(embedded_demo, tmp_path)


@pytest.fixture
def tokens(city: City) -> TokenStore:
    return TokenStore(city.runtime.engine)  # type: ignore[attr-defined]


@pytest.fixture
def client(city: City, tokens: TokenStore) -> TestClient:
    return TestClient(create_app(city.runtime, tokens))


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def token_of(tokens: TokenStore, role: str) -> str:
    return tokens.create(Role.parse(role), f"{role} integrator").token


def test_a_city_pages_through_its_own_feed_by_position(
    city: City, client: TestClient, tokens: TokenStore
) -> None:
    token = token_of(tokens, "city:brugge")
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


def test_after_a_position_only_what_came_later(city: City, client: TestClient, tokens: TokenStore) -> None:
    token = token_of(tokens, "city:brugge")
    first = client.get("/cities/brugge/events?limit=10", headers=bearer(token)).json()["items"]
    later = client.get(f"/cities/brugge/events?after={first[-1]['_position']}&limit=5", headers=bearer(token))
    assert [i["id"] for i in later.json()["items"]] == [ce.id for ce in city.feed()[10:15]]


@pytest.mark.parametrize("header", [{}, bearer("acc_not.a-token"), {"authorization": "Basic YnJ1Z2dlOng="}])
def test_without_a_live_token_nothing(client: TestClient, header: dict[str, str]) -> None:
    assert client.get("/cities/brugge/events", headers=header).status_code == 401


def test_another_citys_feed_does_not_exist_for_a_city_and_a_revoked_token_opens_nothing(
    client: TestClient, tokens: TokenStore
) -> None:
    issued = tokens.create(Role.parse("city:brugge"), "Brugge integrator")
    assert client.get("/cities/mechelen/events", headers=bearer(issued.token)).status_code == 404
    tokens.revoke(issued.principal.token_id)
    assert client.get("/cities/brugge/events", headers=bearer(issued.token)).status_code == 401


def test_the_programme_manager_reads_any_citys_feed(client: TestClient, tokens: TokenStore) -> None:
    token = token_of(tokens, "manager")
    assert client.get("/cities/mechelen/events", headers=bearer(token)).status_code == 200
