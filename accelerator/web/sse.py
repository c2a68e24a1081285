"""The live stream: `GET /api/v1/stream`, Server-Sent Events of the log as it grows.

Each SSE event is one CloudEvent (JSON), its `id` the feed position after it
(accelerator/web/feeds.py). A client that loses the connection sends the last id it got as
`Last-Event-ID` (browsers' EventSource do so by themselves) and gets every later event once.
Filters: `family` (repeatable), `city`, `startup`; and always the caller's role: a city
gets its own events redacted, a startup its own, finance the payments.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import anyio
from fastapi import APIRouter, Depends, Header, Query
from sse_starlette import EventSourceResponse, ServerSentEvent

from accelerator.web import scope
from accelerator.web.auth import asking
from accelerator.web.context import WebContext, context
from accelerator.web.feeds import BadPosition, Feed, FeedReader
from accelerator.web.problems import RESPONSES, FieldError, invalid
from accelerator.web.roles import Query as Q
from accelerator.web.tokens import Principal
from events import CloudEvent
from events.base import FAMILIES

router = APIRouter(responses=RESPONSES, tags=["stream"])
Keep = Callable[[CloudEvent], CloudEvent | None]


def keeper(p: Principal, city: str | None, startup: str | None) -> Keep:
    """What of an event this caller gets on this stream (None: nothing)."""

    def keep(ce: CloudEvent) -> CloudEvent | None:
        if (city is not None and ce.city != city) or (startup is not None and ce.subject != startup):
            return None
        return scope.event_view(p, ce)

    return keep


async def follow(reader: FeedReader, keep: Keep, poll: float) -> AsyncIterator[tuple[str, CloudEvent]]:
    """The reader's events as they come, kept or changed by `keep`, until the client goes."""
    try:
        while True:
            batch = await anyio.to_thread.run_sync(reader.poll)
            for position, ce in batch:
                if (seen := keep(ce)) is not None:
                    yield position, seen
            if not batch:
                await anyio.sleep(poll)
    finally:
        reader.close()


def start(feed: Feed, last_event_id: str | None, since: str | None, from_start: bool) -> str | None:
    """Where a stream starts: after the client's last event, after `since`, at the first
    event, or (by default) after the last event now in the log."""
    resume = last_event_id or since
    if resume is not None:
        return resume
    return None if from_start else feed.head()


async def open_reader(
    feed: Feed, last_event_id: str | None, since: str | None, from_start: bool, families: list[str]
) -> FeedReader:
    """The stream's reader, or a 422 for a position this feed never gave (before streaming)."""
    try:
        begin = await anyio.to_thread.run_sync(start, feed, last_event_id, since, from_start)
        return await anyio.to_thread.run_sync(feed.reader, begin, families)
    except BadPosition as error:
        field = "Last-Event-ID" if last_event_id else "since"
        raise invalid([FieldError(field=field, rule=str(error))]) from error


def check_families(families: list[str]) -> None:
    unknown = sorted(set(families) - set(FAMILIES))
    if unknown:
        raise invalid(
            [
                FieldError(
                    field="family", rule=f"must be one of {', '.join(FAMILIES)} (got {', '.join(unknown)})"
                )
            ]
        )


@router.get(
    "/stream",
    response_class=EventSourceResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "CloudEvents, one per SSE event"}},
)
async def stream(
    family: list[str] = Query([], description=f"only these families: {', '.join(FAMILIES)}"),
    city: str | None = None,
    startup: str | None = None,
    since: str | None = Query(None, description="start after this position (an event id of this stream)"),
    from_start: bool = False,
    last_event_id: str | None = Header(None, alias="Last-Event-ID"),
    p: Principal = Depends(asking(Q.STREAM)),
    web: WebContext = Depends(context),
) -> EventSourceResponse:
    """Follow the programme live: new events as they are recorded, resumable by `Last-Event-ID`."""
    check_families(family)
    reader = await open_reader(web.feed, last_event_id, since, from_start, family)

    async def events() -> AsyncIterator[ServerSentEvent]:
        async for position, ce in follow(reader, keeper(p, city, startup), web.settings.poll_seconds):
            yield ServerSentEvent(data=ce.to_json(), id=position)

    return EventSourceResponse(events(), ping=web.settings.ping_seconds)
