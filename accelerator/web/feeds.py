"""A partner city's own feed over HTTP, for the smallest cities: `GET /cities/{city}/events`.

JSON Feed 1.1 (`application/feed+json`, any feed reader takes it), paginated by feed position:
`?after=POSITION&limit=N`; `next_url` (and a `Link: rel="next"` header) names the next page, so
a city's script keeps the last position it saw and asks for what came after. Each item is one
redacted CloudEvent (`_cloudevent`) with its position (`_position`): the same events, positions
and ids as its webhooks and its Kafka topic.

Authenticated: `Authorization: Bearer <token>` of that city (`accelerator cities token NAME`).
The web app mounts `router` and overrides `authenticated_city` with its own roles, e.g.
`app.dependency_overrides[feeds.authenticated_city] = web.auth.city_of_token`, and sets
`app.state.feed = Feed(...)`; `create_app(settings)` is the standalone app meanwhile.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Protocol

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session

from accelerator.settings import Settings
from accelerator.web import tokens
from events import CloudEvent
from services.cities.domain import channel

MAX_PAGE = 500
bearer = HTTPBearer(auto_error=False)
router = APIRouter(tags=["partner cities"])


class History(Protocol):
    def entries(
        self,
        session: Session,
        channel: str,
        after: int = 0,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> Iterator[tuple[int, CloudEvent]]: ...


@dataclass(frozen=True)
class Feed:
    """Where the feed is read (the runtime's SQL database and its feed table) and tokens checked."""

    engine: Engine
    history: History


def feed(request: Request) -> Feed:
    found = request.app.state.feed
    assert isinstance(found, Feed)
    return found


def authenticated_city(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> str:
    """The city the bearer token belongs to (401 without a live one)."""
    city = tokens.city_of(feed(request).engine, credentials.credentials) if credentials else None
    if city is None:
        raise HTTPException(401, "a city's feed token is needed", headers={"WWW-Authenticate": "Bearer"})
    return city


@router.get("/cities/{city}/events", response_class=Response)
def events(
    city: str,
    request: Request,
    caller: Annotated[str, Depends(authenticated_city)],
    after: Annotated[int, Query(ge=0, description="the last position already read")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> Response:
    if caller != city:
        raise HTTPException(403, "a city reads its own feed only")
    source = feed(request)
    with Session(source.engine) as session:
        page = list(source.history.entries(session, channel(city), after=after, limit=limit + 1))
    more, page = len(page) > limit, page[:limit]
    here = str(request.url.remove_query_params(["after", "limit"]))
    document: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"{city}: its challenges and startups, without personal data",
        "feed_url": f"{here}?after={after}&limit={limit}",
        "items": [item(position, ce) for position, ce in page],
    }
    headers = {}
    if more:
        document["next_url"] = f"{here}?after={page[-1][0]}&limit={limit}"
        headers["link"] = f'<{document["next_url"]}>; rel="next"'
    return Response(json.dumps(document), media_type="application/feed+json", headers=headers)


def item(position: int, ce: CloudEvent) -> dict[str, Any]:
    return {
        "id": ce.id,
        "title": f"{ce.type.split('.')[2].replace('_', ' ')}: {ce.subject}",
        "content_text": ce.type,
        "date_published": ce.time.isoformat(),
        "_position": position,
        "_cloudevent": ce.model_dump(mode="json", exclude_none=True),
    }


def source(settings: Settings) -> Feed:
    """The feed of the configured runtime: the store's `feed` table, or Kafka's `city_feed`."""
    if settings.runtime == "kafka":
        from accelerator.kafka.deliveries import CityFeed, webhook_engine

        engine = webhook_engine(settings)
        tokens.create_table(engine)
        return Feed(engine, CityFeed())
    from accelerator.embedded.feeds import FeedTable
    from accelerator.embedded.files import open_engine

    return Feed(open_engine(settings.store), FeedTable())


def create_app(settings: Settings) -> FastAPI:
    """The feed on its own (until the web app mounts the router)."""
    app = FastAPI(title="Accelerator: partner city feeds", docs_url=None, redoc_url=None)
    app.state.feed = source(settings)
    app.include_router(router)
    return app
