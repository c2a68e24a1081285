"""The dashboard's actions: every command the role may send, as a form (accelerator/web/pages/forms.py).

A form posts its session's CSRF token; the command goes through the same checks and the
same runtime as the API's (`accelerator.web.api.commands.send`). Done: back to where the
person came from, with a line saying what happened. Refused: the form again, with the rule
next to the field.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from accelerator.web import scope
from accelerator.web.api.commands import send
from accelerator.web.api.startups import visible
from accelerator.web.context import WebContext, context
from accelerator.web.pages import forms
from accelerator.web.pages.render import check_csrf, render
from accelerator.web.pages.session import local, page_principal
from accelerator.web.problems import FieldError, ProblemError, field_errors, forbidden, not_found
from accelerator.web.roles import Kind
from accelerator.web.tokens import Principal
from services.kernel import Command, Rejected
from services.routing import COMMANDS

router = APIRouter(include_in_schema=False)


def allowed(p: Principal) -> list[type[Command]]:
    return [cls for cls in COMMANDS.values() if p.role.may_send(cls)]


def command_class(p: Principal, name: str) -> type[Command]:
    cls = COMMANDS.get(name)
    if cls is None:
        raise not_found(f"command: no command {name!r}")
    if not p.role.may_send(cls):
        raise forbidden(f"{name}: a {p.role.kind} may not send this command")
    return cls


def choices(p: Principal, web: WebContext, cls: type[Command], items: list[forms.Input]) -> None:
    """Pick-lists of what the principal may act on, instead of ids to type."""
    views = visible(p, web)
    startups = [(v.startup_id, f"{v.company_name} ({v.startup_id})") for v in views]
    challenges = [
        (c.challenge_id, c.challenge_id) for c in web.reader.challenges() if scope.sees_challenge(p, c)
    ]
    payments = [
        (pay.payment_id, f"{v.company_name}: {pay.payment_id}") for v in views for pay in v.payments.values()
    ]
    for item in items:
        if item.name == "startup_id":
            item.widget, item.options = "select", startups
        elif item.name == "startup_ids":
            item.widget, item.options = "checkboxes", startups
        elif item.name == "challenge_id" and cls.__name__ != "PublishChallenge":
            item.widget, item.options = "select", challenges
        elif item.name == "payment_id":
            item.widget, item.options = "select", payments
        elif item.name == "reviewer" and p.role.kind is Kind.REVIEWER:
            item.value, item.readonly = p.holder, True
        elif item.name == "city_id" and p.role.kind is Kind.CITY:
            item.value, item.readonly = p.role.subject or "", True


def form_page(
    request: Request,
    p: Principal,
    web: WebContext,
    cls: type[Command],
    items: list[forms.Input],
    status: int = 200,
    errors: list[FieldError] | None = None,
    next_path: str = "/",
) -> Response:
    return render(
        request,
        "action.html",
        p,
        status=status,
        command=cls.__name__,
        about=forms.described(cls),
        items=items,
        errors=errors or [],
        next=next_path,
        key=secrets.token_urlsafe(16),
    )


@router.get("/actions")
def actions(request: Request, p: Principal = Depends(page_principal)) -> Response:
    return render(request, "actions.html", p, commands=[(c.__name__, forms.described(c)) for c in allowed(p)])


@router.get("/actions/{name}")
def action_form(
    request: Request,
    name: str,
    next: str | None = None,
    p: Principal = Depends(page_principal),
    web: WebContext = Depends(context),
) -> Response:
    cls = command_class(p, name)
    items = forms.inputs(cls)
    choices(p, web, cls, items)
    forms.prefill(items, dict(request.query_params))
    return form_page(request, p, web, cls, items, next_path=local(next))


@router.post("/actions/{name}")
async def act(
    request: Request, name: str, p: Principal = Depends(page_principal), web: WebContext = Depends(context)
) -> Response:
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token", "")))
    cls = command_class(p, name)
    items = forms.inputs(cls)
    choices(p, web, cls, items)
    data, errors = forms.read(items, form, form.getlist)
    next_path = local(str(form.get("next", "/")))
    try:
        if errors:
            raise ProblemError(
                422, "invalid", "Invalid", "; ".join(f"{e.field}: {e.rule}" for e in errors), errors
            )
        command = cls.model_validate(data)
        response = send(web, p, command, str(form.get("idempotency_key") or "") or None)
    except ValidationError as error:
        errors = field_errors(error.errors(), drop=())
    except Rejected as refusal:
        errors = [FieldError(field=refusal.field, rule=refusal.rule)]
    except ProblemError as problem:
        if problem.status not in (404, 422):
            raise
        errors = problem.problem.errors or [FieldError(field="command", rule=problem.detail)]
    else:
        request.session["flash"] = {"command": name, "status": response.status_code}
        return RedirectResponse(next_path, status_code=303)
    forms.mark(items, errors)
    return form_page(request, p, web, cls, items, status=422, errors=errors, next_path=next_path)
