"""Applications and their reviews: a reviewer sees only the applications assigned to them,
and another reviewer's scores only once the application is decided."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from fastapi import APIRouter, Depends

from accelerator.web import scope
from accelerator.web.api.models import ApplicationOut, ReviewOut
from accelerator.web.api.startups import visible
from accelerator.web.auth import asking
from accelerator.web.context import WebContext, context
from accelerator.web.problems import RESPONSES
from accelerator.web.roles import Kind
from accelerator.web.roles import Query as Q
from accelerator.web.tokens import Principal
from events import CloudEvent, parse
from events.applications import ApplicationSubmitted, Contact
from events.selection import ApplicationScored, ConflictOfInterestDeclared, ReviewerAssigned
from services.projector.views import StartupView

router = APIRouter(responses=RESPONSES, tags=["selection"])
REVIEW_EVENTS = (ReviewerAssigned, ApplicationScored, ConflictOfInterestDeclared)


def summary(view: StartupView) -> ApplicationOut:
    return ApplicationOut(
        startup_id=view.startup_id,
        company_name=view.company_name,
        enterprise_number=view.enterprise_number,
        challenge_id=view.challenge_id,
        city_id=view.city_id,
        requested_budget=view.requested_budget,
        phase=view.phase,
        reviewers=view.reviewers,
    )


def reviews(p: Principal, view: StartupView, events: Iterable[CloudEvent]) -> list[ReviewOut]:
    """The reviews of one application this principal may read."""
    if p.role.kind not in (Kind.MANAGER, Kind.REVIEWER):
        return []
    found: dict[str, ReviewOut] = {}
    for ce in events:
        event = parse(ce)
        if isinstance(event, REVIEW_EVENTS):
            review = found.setdefault(
                event.reviewer, ReviewOut(startup_id=view.startup_id, reviewer=event.reviewer)
            )
            if isinstance(event, ApplicationScored):
                review.scores, review.weighted_score = dict(event.scores), event.weighted_score
            elif isinstance(event, ConflictOfInterestDeclared):
                review.conflict, review.conflict_reason = True, event.reason
                review.scores, review.weighted_score = {}, None
    everyone = p.role.kind is Kind.MANAGER or view.phase not in scope.UNDECIDED
    return [r for r in found.values() if everyone or r.reviewer == p.holder]


@router.get("/applications", response_model=list[ApplicationOut])
def applications(
    challenge: str | None = None,
    phase: str | None = None,
    p: Principal = Depends(asking(Q.APPLICATIONS)),
    web: WebContext = Depends(context),
) -> list[ApplicationOut]:
    """Applications (without proposal and contact: see one application), filtered."""
    return [
        summary(v)
        for v in visible(p, web)
        if (challenge is None or v.challenge_id == challenge) and (phase is None or v.phase == phase)
    ]


@router.get("/applications/{startup_id}", response_model=ApplicationOut)
def application(
    startup_id: str, p: Principal = Depends(asking(Q.APPLICATIONS)), web: WebContext = Depends(context)
) -> ApplicationOut:
    """One application: proposal, contact (manager and the startup itself) and its reviews."""
    view = scope.startup(p, web.reader, startup_id)
    history = web.reader.history(startup_id)
    out = summary(view)
    submitted = next((parse(ce) for ce in history if ce.type == ApplicationSubmitted.event_type()), None)
    if isinstance(submitted, ApplicationSubmitted):
        out.proposal = submitted.proposal
        if scope.sees_private(p, startup_id):
            out.contact = Contact.model_validate(submitted.contact.model_dump())
    out.reviews = reviews(p, view, history)
    return out


@router.get("/reviews", response_model=list[ReviewOut])
def all_reviews(
    startup: str | None = None, p: Principal = Depends(asking(Q.REVIEWS)), web: WebContext = Depends(context)
) -> list[ReviewOut]:
    """Reviews: scores per criterion, weighted scores, declared conflicts of interest."""
    by_subject: dict[str, list[CloudEvent]] = defaultdict(list)
    for ce in web.reader.events_of(REVIEW_EVENTS):
        by_subject[ce.subject].append(ce)
    views = {v.startup_id: v for v in visible(p, web) if startup in (None, v.startup_id)}
    return [r for sid, view in views.items() for r in reviews(p, view, by_subject.get(sid, []))]
