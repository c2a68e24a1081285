"""The programme at a glance: the funnel per city and challenge, the startups, one startup's
six months (live), grants against the cap, pilots per city."""

from __future__ import annotations

from collections import Counter

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from accelerator.web import scope
from accelerator.web.api.models import Grant
from accelerator.web.api.startups import visible
from accelerator.web.context import WebContext, context
from accelerator.web.i18n import N_
from accelerator.web.pages.render import render
from accelerator.web.pages.session import home, page_principal
from accelerator.web.problems import forbidden
from accelerator.web.roles import Query as Q
from accelerator.web.tokens import Principal
from services.projector.views import StartupView
from services.rules import RULES

router = APIRouter(include_in_schema=False)
STAGES = (
    N_("Applied"),
    N_("Eligible"),
    N_("Selected"),
    N_("In accelerator"),
    N_("PoC delivered"),
    N_("Pilot"),
)
SELECTED = frozenset({"selected", "accepted", "declined", "in accelerator", "completed", "terminated"})
PILOTING = frozenset({"approved", "started", "completed"})


def stages(view: StartupView) -> list[bool]:
    """Which funnel stages a startup reached (an application on record passed the eligibility
    checks when it was submitted; a withdrawn one no longer counts as eligible)."""
    poc = view.milestones.get(RULES.poc_milestone)
    return [
        True,
        view.phase != "withdrawn",
        view.phase in SELECTED,
        view.starts_on is not None,
        poc is not None and poc.status == "approved",
        view.pilot_status in PILOTING,
    ]


def funnel(views: list[StartupView]) -> list[int]:
    return [sum(stages(v)[i] for v in views) for i in range(len(STAGES))]


def may(p: Principal, query: Q) -> Principal:
    if not p.role.may_ask(query):
        raise forbidden(f"{query}: a {p.role.kind} may not see this page")
    return p


@router.get("/")
def overview(
    request: Request, p: Principal = Depends(page_principal), web: WebContext = Depends(context)
) -> Response:
    if home(p) != "/":
        return render_redirect(home(p))
    views = visible(may(p, Q.STARTUPS), web)
    challenges = [c for c in web.reader.challenges() if scope.sees_challenge(p, c)]
    cities = sorted({c.city_id for c in challenges} | {v.city_id for v in views})
    by_city = {city: funnel([v for v in views if v.city_id == city]) for city in cities}
    by_challenge = {
        c.challenge_id: funnel([v for v in views if v.challenge_id == c.challenge_id]) for c in challenges
    }
    totals = {
        "in_accelerator": sum(v.phase == "in accelerator" for v in views),
        "overdue": sum(v.milestones_overdue for v in views if v.phase == "in accelerator"),
        "paid": sum((v.paid for v in views), RULES.grant_cap * 0),
        "pilots": sum(v.pilot_status in PILOTING for v in views),
    }
    return render(
        request,
        "overview.html",
        p,
        stages=STAGES,
        cities=cities,
        by_city=by_city,
        challenges=challenges,
        by_challenge=by_challenge,
        totals=totals,
    )


def render_redirect(path: str) -> Response:
    return RedirectResponse(path, status_code=303)


@router.get("/startups")
def startups(
    request: Request,
    city: str | None = None,
    challenge: str | None = None,
    phase: str | None = None,
    p: Principal = Depends(page_principal),
    web: WebContext = Depends(context),
) -> Response:
    views = visible(may(p, Q.STARTUPS), web)
    chosen = [
        v
        for v in views
        if city in (None, "", v.city_id)
        and challenge in (None, "", v.challenge_id)
        and phase in (None, "", v.phase)
    ]
    options = {
        "city": sorted({v.city_id for v in views}),
        "challenge": sorted({v.challenge_id for v in views}),
        "phase": sorted({v.phase for v in views}),
    }
    chosen_filters = {"city": city or "", "challenge": challenge or "", "phase": phase or ""}
    grants = {v.startup_id: Grant.of(v) for v in chosen}
    return render(
        request, "startups.html", p, views=chosen, options=options, chosen=chosen_filters, grants=grants
    )


@router.get("/grants")
def grants(
    request: Request, p: Principal = Depends(page_principal), web: WebContext = Depends(context)
) -> Response:
    views = [v for v in visible(may(p, Q.PAYMENTS), web) if v.starts_on is not None or v.payments]
    rows = [(v, Grant.of(v)) for v in views]
    return render(request, "grants.html", p, rows=rows, cap=RULES.grant_cap)


@router.get("/pilots")
def pilots(
    request: Request, p: Principal = Depends(page_principal), web: WebContext = Depends(context)
) -> Response:
    views = [v for v in visible(may(p, Q.STARTUPS), web) if v.pilot_status != "none"]
    per_city = Counter(v.pilot_city or v.city_id for v in views)
    statuses = sorted({v.pilot_status for v in views})
    table = {
        city: Counter(v.pilot_status for v in views if (v.pilot_city or v.city_id) == city)
        for city in per_city
    }
    return render(
        request,
        "pilots.html",
        p,
        views=views,
        per_city=sorted(per_city.items()),
        statuses=statuses,
        table=table,
    )
