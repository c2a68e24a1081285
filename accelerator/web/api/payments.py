"""Payments: each tranche with its status; the IBAN only for whoever may see bank details
(the programme manager, finance, the startup itself)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from accelerator.web import scope
from accelerator.web.api.models import PaymentOut
from accelerator.web.api.startups import visible
from accelerator.web.auth import asking
from accelerator.web.context import WebContext, context
from accelerator.web.problems import RESPONSES, not_found
from accelerator.web.roles import Query as Q
from accelerator.web.tokens import Principal
from events.payments import PaymentInstructed, PaymentRequested
from services.projector.views import StartupView

router = APIRouter(responses=RESPONSES, tags=["payments"])


def ibans(web: WebContext) -> dict[str, str]:
    """The account each payment goes to: its latest request or instruction says."""
    return {
        str(ce.data["payment_id"]): str(ce.data["iban"])
        for ce in web.reader.events_of((PaymentRequested, PaymentInstructed))
    }


def payments_of(p: Principal, views: list[StartupView], accounts: dict[str, str]) -> list[PaymentOut]:
    return [
        PaymentOut(
            payment_id=pay.payment_id,
            startup_id=v.startup_id,
            company_name=v.company_name,
            city_id=v.city_id,
            milestone_key=pay.milestone_key,
            amount=pay.amount,
            status=pay.status,
            attempts=pay.attempts,
            reason=pay.reason,
            iban=accounts.get(pay.payment_id) if scope.sees_private(p, v.startup_id, iban=True) else None,
        )
        for v in views
        for pay in v.payments.values()
    ]


@router.get("/payments", response_model=list[PaymentOut])
def payments(
    startup: str | None = None,
    status: str | None = None,
    p: Principal = Depends(asking(Q.PAYMENTS)),
    web: WebContext = Depends(context),
) -> list[PaymentOut]:
    """Every grant tranche requested, filtered by startup and status."""
    views = [v for v in visible(p, web) if startup in (None, v.startup_id)]
    return [pay for pay in payments_of(p, views, ibans(web)) if status in (None, pay.status)]


@router.get("/payments/{payment_id:path}", response_model=PaymentOut)
def payment(
    payment_id: str, p: Principal = Depends(asking(Q.PAYMENTS)), web: WebContext = Depends(context)
) -> PaymentOut:
    """One tranche, by its id (`<startup>/<milestone>/<n>`)."""
    startup_id = payment_id.rsplit("/", 2)[0]
    view = web.reader.startup(startup_id)
    found = [
        pay
        for pay in payments_of(p, [view] if view and scope.sees_startup(p, view) else [], ibans(web))
        if pay.payment_id == payment_id
    ]
    if not found:
        raise not_found(f"payment_id: no payment {payment_id!r}")
    return found[0]
