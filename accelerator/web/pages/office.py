"""The programme office's daily work: applications and their reviews, payments, and the
live stream of events (new ones appear without a reload: htmx over Server-Sent Events)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends, Query
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.requests import Request
from starlette.responses import Response

from accelerator.web import scope
from accelerator.web.api.payments import ibans, payments_of
from accelerator.web.api.selection import reviews, summary
from accelerator.web.api.startups import visible
from accelerator.web.context import WebContext, context
from accelerator.web.pages.programme import may
from accelerator.web.pages.render import environment, lang_of, render
from accelerator.web.pages.session import page_principal
from accelerator.web.roles import Query as Q
from accelerator.web.sse import check_families, follow, keeper, open_reader
from accelerator.web.tokens import Principal
from events import parse
from events.applications import ApplicationSubmitted
from events.base import FAMILIES

router = APIRouter(include_in_schema=False)
RECENT = 30


@router.get("/applications")
def applications(
    request: Request, p: Principal = Depends(page_principal), web: WebContext = Depends(context)
) -> Response:
    views = visible(may(p, Q.APPLICATIONS), web)
    return render(request, "applications.html", p, applications=[summary(v) for v in views])


@router.get("/applications/{startup_id}")
def application(
    request: Request,
    startup_id: str,
    p: Principal = Depends(page_principal),
    web: WebContext = Depends(context),
) -> Response:
    view = scope.startup(may(p, Q.APPLICATIONS), web.reader, startup_id)
    history = web.reader.history(startup_id)
    submitted = next((parse(ce) for ce in history if ce.type == ApplicationSubmitted.event_type()), None)
    contact = (
        submitted.contact
        if isinstance(submitted, ApplicationSubmitted) and scope.sees_private(p, startup_id)
        else None
    )
    proposal = submitted.proposal if isinstance(submitted, ApplicationSubmitted) else ""
    return render(
        request,
        "application.html",
        p,
        view=view,
        proposal=proposal,
        contact=contact,
        reviews=reviews(p, view, history),
    )


@router.get("/payments")
def payments(
    request: Request, p: Principal = Depends(page_principal), web: WebContext = Depends(context)
) -> Response:
    views = visible(may(p, Q.PAYMENTS), web)
    rows = payments_of(p, views, ibans(web))
    return render(request, "payments.html", p, payments=rows)


def names(p: Principal, web: WebContext) -> dict[str, str]:
    """Company names by startup id, for the lines of the stream."""
    return {v.startup_id: v.company_name for v in visible(p, web)} if p.role.may_ask(Q.STARTUPS) else {}


@router.get("/live")
def live(
    request: Request,
    family: list[str] = Query([]),
    p: Principal = Depends(page_principal),
    web: WebContext = Depends(context),
) -> Response:
    may(p, Q.STREAM)
    check_families(family)
    head = web.feed.head()
    keep = keeper(p, None, None)
    recent = [e for ce in web.reader.recent(500, family) if (e := keep(ce))][-RECENT:]
    return render(
        request,
        "live.html",
        p,
        events=list(reversed(recent)),
        head=head,
        families=FAMILIES,
        chosen=family,
        names=names(p, web),
    )


@router.get("/live/events")
async def live_events(
    request: Request,
    family: list[str] = Query([]),
    startup: str | None = None,
    since: str | None = None,
    p: Principal = Depends(page_principal),
    web: WebContext = Depends(context),
) -> EventSourceResponse:
    """The stream as HTML lines in the reader's language, for htmx to put on the page."""
    may(p, Q.STREAM)
    check_families(family)
    reader = await open_reader(web.feed, request.headers.get("last-event-id"), since, False, family)
    template = environment(lang_of(request)).get_template("event.html")
    known = names(p, web)

    async def lines() -> AsyncIterator[ServerSentEvent]:
        async for position, ce in follow(reader, keeper(p, None, startup), web.settings.poll_seconds):
            html = template.render(ce=ce, names=known, fresh=True)
            yield ServerSentEvent(data=html, event="event", id=position)

    return EventSourceResponse(lines(), ping=web.settings.ping_seconds)
