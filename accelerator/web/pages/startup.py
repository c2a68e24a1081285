"""One startup's page: its state, its six months as a timeline, payments, history; as it
was at the end of any day (`as_of`), or live: its part of the page is fetched again when one
of its events comes in (htmx, triggered by the Server-Sent Events of /live/events)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query
from starlette.requests import Request
from starlette.responses import Response

from accelerator import queries
from accelerator.web import scope
from accelerator.web.api.models import Grant
from accelerator.web.api.startups import end_of
from accelerator.web.context import WebContext, context
from accelerator.web.pages.programme import may
from accelerator.web.pages.render import render
from accelerator.web.pages.session import page_principal
from accelerator.web.pages.timeline import timeline_of
from accelerator.web.problems import not_found
from accelerator.web.roles import Query as Q
from accelerator.web.tokens import Principal
from services.kernel import today

router = APIRouter(include_in_schema=False)


def startup_context(p: Principal, web: WebContext, startup_id: str, as_of: date | None) -> dict[str, Any]:
    current = scope.startup(may(p, Q.STARTUPS), web.reader, startup_id)
    until = end_of(as_of) if as_of else None
    view = queries.as_of(web.runtime, startup_id, until) if until else current
    if view is None:
        raise not_found(f"as_of: {current.company_name} had not applied yet on {as_of}")
    view = scope.startup_view(p, view)
    history = [e for ce in web.reader.history(startup_id, until) if (e := scope.event_view(p, ce))]
    day = as_of or today(web.runtime.clock)
    return {
        "view": view,
        "history": history,
        "as_of": as_of,
        "grant": Grant.of(view),
        "timeline": timeline_of(view, history, day),
    }


@router.get("/startups/{startup_id}")
def startup(
    request: Request,
    startup_id: str,
    as_of: date | None = Query(None),
    p: Principal = Depends(page_principal),
    web: WebContext = Depends(context),
) -> Response:
    return render(
        request, "startup.html", p, **startup_context(p, web, startup_id, as_of), head=web.feed.head()
    )


@router.get("/startups/{startup_id}/now")
def startup_now(
    request: Request,
    startup_id: str,
    p: Principal = Depends(page_principal),
    web: WebContext = Depends(context),
) -> Response:
    """The live part of a startup's page, fetched again when one of its events comes in."""
    return render(request, "startup_now.html", p, **startup_context(p, web, startup_id, None))
