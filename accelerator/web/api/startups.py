"""Reading the programme: startups (paginated, filtered), one startup as of a day with its
history, grants, pilots and challenges — each scoped to what the caller's role may see."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from fastapi import APIRouter, Depends, Query

from accelerator import queries
from accelerator.web import scope
from accelerator.web.api.models import GrantOut, Page, PilotOut, StartupDetail, StartupOut
from accelerator.web.auth import asking
from accelerator.web.context import WebContext, context
from accelerator.web.problems import RESPONSES, not_found
from accelerator.web.roles import Query as Q
from accelerator.web.tokens import Principal
from services.kernel import PROGRAMME_TZ
from services.projector.views import ChallengeView, StartupView

router = APIRouter(responses=RESPONSES)
startups_ = asking(Q.STARTUPS)


def visible(p: Principal, web: WebContext, city: str | None = None) -> list[StartupView]:
    """Every startup the principal may see (of one city, if asked), as it may see it."""
    return [scope.startup_view(p, v) for v in web.reader.startups(city) if scope.sees_startup(p, v)]


def end_of(day: date) -> datetime:
    """The last moment of a day in Brussels: `as_of` a day includes all of it."""
    return datetime.combine(day + timedelta(days=1), time(0), PROGRAMME_TZ) - timedelta(microseconds=1)


@router.get("/startups", response_model=Page[StartupOut], tags=["startups"])
def list_startups(
    city: str | None = None,
    challenge: str | None = None,
    phase: str | None = None,
    page: int = Query(1, ge=1, le=100_000),
    per_page: int = Query(50, ge=1, le=200),
    p: Principal = Depends(startups_),
    web: WebContext = Depends(context),
) -> Page[StartupOut]:
    """Every startup's projected state, filtered by city, challenge and phase, a page at a time."""
    chosen = [
        v
        for v in visible(p, web, city)
        if (challenge is None or v.challenge_id == challenge) and (phase is None or v.phase == phase)
    ]
    start = (page - 1) * per_page
    items = [StartupOut.of(v) for v in chosen[start : start + per_page]]
    return Page[StartupOut](items=items, total=len(chosen), page=page, per_page=per_page)


@router.get("/startups/{startup_id}", response_model=StartupDetail, tags=["startups"])
def one_startup(
    startup_id: str,
    as_of: date | None = Query(None, description="the state at the end of this day (Brussels)"),
    p: Principal = Depends(startups_),
    web: WebContext = Depends(context),
) -> StartupDetail:
    """One startup's state and history — now, or as they were at the end of `as_of`."""
    current = scope.startup(p, web.reader, startup_id)
    until = end_of(as_of) if as_of else None
    view = queries.as_of(web.runtime, startup_id, until) if until else current
    if view is None:
        raise not_found(f"as_of: {startup_id} had not applied yet on {as_of}")
    history = [e for ce in web.reader.history(startup_id, until) if (e := scope.event_view(p, ce))]
    return StartupDetail(startup=StartupOut.of(scope.startup_view(p, view)), history=history, as_of=until)


@router.get("/grants", response_model=list[GrantOut], tags=["payments"])
def grants(
    city: str | None = None, p: Principal = Depends(asking(Q.PAYMENTS)), web: WebContext = Depends(context)
) -> list[GrantOut]:
    """Each startup's grant burn against the EUR 10,000 cap (startups with an award)."""
    return [
        GrantOut(
            startup_id=v.startup_id,
            company_name=v.company_name,
            city_id=v.city_id,
            phase=v.phase,
            grant=StartupOut.of(v).grant,
        )
        for v in visible(p, web, city)
        if v.starts_on is not None or v.payments
    ]


@router.get("/pilots", response_model=list[PilotOut], tags=["pilots"])
def pilots(
    city: str | None = None, p: Principal = Depends(startups_), web: WebContext = Depends(context)
) -> list[PilotOut]:
    """Every pilot proposed so far, with its host city and status (of one city, if asked)."""
    return [
        PilotOut(
            startup_id=v.startup_id,
            company_name=v.company_name,
            city_id=v.city_id,
            pilot_city=v.pilot_city,
            title=v.pilot_title,
            status=v.pilot_status,
            rating=v.pilot_rating,
        )
        for v in visible(p, web)
        if v.pilot_status != "none" and (city is None or city in (v.city_id, v.pilot_city))
    ]


@router.get("/challenges", response_model=list[ChallengeView], tags=["challenges"])
def challenges(
    city: str | None = None, p: Principal = Depends(asking(Q.CHALLENGES)), web: WebContext = Depends(context)
) -> list[ChallengeView]:
    """Every published challenge with its window and call status."""
    return [
        c
        for c in web.reader.challenges()
        if scope.sees_challenge(p, c) and (city is None or c.city_id == city)
    ]


@router.get("/challenges/{challenge_id}", response_model=ChallengeView, tags=["challenges"])
def one_challenge(
    challenge_id: str, p: Principal = Depends(asking(Q.CHALLENGES)), web: WebContext = Depends(context)
) -> ChallengeView:
    view = web.reader.challenge(challenge_id)
    if view is None or not scope.sees_challenge(p, view):
        raise not_found(f"challenge_id: no challenge {challenge_id!r}")
    return view
