"""A partner city's own feed over HTTP, for the smallest cities: `GET /cities/{city}/events`.

JSON Feed 1.1 (`application/feed+json`, any feed reader takes it), paginated by feed position:
`?after=POSITION&limit=N`; `next_url` (and a `Link: rel="next"` header) names the next page, so
a city's script keeps the last position it saw and asks for what came after. Each item is one
redacted CloudEvent (`_cloudevent`) with its position (`_position`): the same events, positions
and ids as its webhooks and its Kafka topic.

Authenticated by the web app's tokens (`accelerator tokens create --role city:NAME`): a city
reads its own feed; another city's does not exist for it (404). The programme manager reads
any. The web app mounts `router` (accelerator/web/app.py) and sets `app.state.feed`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Protocol

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from sqlalchemy import Engine
from sqlmodel import Session

from accelerator.runtime import Runtime
from accelerator.web.auth import principal
from accelerator.web.roles import Kind
from accelerator.web.tokens import Principal
from events import CloudEvent
from services.cities.domain import channel

MAX_PAGE = 500
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
    """Where the feed is read: the runtime's SQL database and its feed table."""

    engine: Engine
    history: History


def feed(request: Request) -> Feed:
    found = request.app.state.feed
    assert isinstance(found, Feed)
    return found


def readable(city: str, caller: Principal = Depends(principal)) -> str:
    """The city whose feed this is, if the caller may read it: the city itself, or the
    programme manager. For anyone else it does not exist."""
    role = caller.role
    if role.kind is Kind.MANAGER or (role.kind is Kind.CITY and role.subject == city):
        return city
    raise HTTPException(404, f"city: no feed {city!r}")


@router.get("/cities/{city}/events", response_class=Response)
def events(
    city: str,
    request: Request,
    readable_city: Annotated[str, Depends(readable)],
    after: Annotated[int, Query(ge=0, description="the last position already read")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> Response:
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


def source(runtime: Runtime) -> Feed:
    """The feed of the runtime: the store's `feed` table, or on Kafka the `city_feed` table the
    deliveries worker fills from the city topics."""
    from accelerator.embedded.runtime import EmbeddedRuntime

    if isinstance(runtime, EmbeddedRuntime):
        from accelerator.embedded.feeds import FeedTable

        return Feed(runtime.engine, FeedTable())
    from accelerator.kafka.deliveries import CityFeed, webhook_engine

    return Feed(webhook_engine(runtime.settings), CityFeed())  # type: ignore[attr-defined]
