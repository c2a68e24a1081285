"""The dashboard: server-rendered pages (Jinja2) in Dutch or English, for the same roles as
the API, with a session cookie after a token login and a CSRF token on every form."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from accelerator.web.pages import actions, office, programme, session, startup
from accelerator.web.pages.render import render
from accelerator.web.problems import ProblemError

router = APIRouter(include_in_schema=False)
for module in (session, programme, startup, office, actions):
    router.include_router(module.router)


def error_page(request: Request, error: ProblemError) -> Response:
    """A refusal on a page: to the login page without a session, else a page that says why."""
    if error.status == 401:
        return session.login_redirect(request, error)
    p = session.session_principal(request, session.context(request))
    return render(request, "error.html", p, status=error.status, problem=error.problem)
