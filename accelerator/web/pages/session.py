"""Logging in and out of the dashboard, the language switch, the API docs page.

A browser logs in with an API token pasted once (or a one-time link); the session cookie
(signed, HttpOnly, SameSite=Lax) then names the token, never holds it. Logging in renews the
session, so a session made before (and its form token) cannot be carried over.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Form
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from accelerator.web.auth import session_principal
from accelerator.web.context import WebContext, context
from accelerator.web.i18n import LOCALES
from accelerator.web.pages.render import LANG_COOKIE, check_csrf, render
from accelerator.web.problems import ProblemError
from accelerator.web.roles import Kind
from accelerator.web.tokens import Principal

router = APIRouter(include_in_schema=False)


def login_required(request: Request) -> ProblemError:
    return ProblemError(401, "login", "Log in", "token: log in to see this page", next=request.url.path)


def page_principal(request: Request, web: WebContext = Depends(context)) -> Principal:
    """The logged-in principal of a page, or off to the login page."""
    found = session_principal(request, web)
    if found is None:
        raise login_required(request)
    return found


def home(p: Principal) -> str:
    match p.role.kind:
        case Kind.STARTUP:
            return f"/startups/{p.role.subject}"
        case Kind.FINANCE:
            return "/grants"
        case Kind.REVIEWER:
            return "/applications"
    return "/"


def local(path: str | None) -> str:
    """Only a path on this site (no open redirect to elsewhere)."""
    return path if path and path.startswith("/") and not path.startswith("//") and "\\" not in path else "/"


def start_session(request: Request, p: Principal, next_path: str | None) -> Response:
    request.session.clear()
    request.session["token_id"] = p.token_id
    target = local(next_path) if next_path and next_path != "/" else home(p)
    return RedirectResponse(target, status_code=303)


@router.get("/login")
def login_form(request: Request, next: str | None = None, web: WebContext = Depends(context)) -> Response:
    return render(request, "login.html", session_principal(request, web), next=local(next))


@router.post("/login")
def login(
    request: Request,
    token: str = Form(""),
    next: str = Form("/"),
    csrf_token: str = Form(""),
    web: WebContext = Depends(context),
) -> Response:
    check_csrf(request, csrf_token)
    found = web.tokens.authenticate(token.strip())
    if found is None:
        return render(request, "login.html", None, status=401, next=local(next), error=True)
    return start_session(request, found, next)


@router.get("/login/link/{code}")
def login_link(request: Request, code: str, web: WebContext = Depends(context)) -> Response:
    found = web.tokens.redeem(code)
    if found is None:
        return render(request, "login.html", None, status=401, next="/", expired=True)
    return start_session(request, found, None)


@router.post("/logout")
def logout(request: Request, csrf_token: str = Form("")) -> Response:
    check_csrf(request, csrf_token)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/lang/{lang}")
def switch_language(lang: str, next: str | None = None) -> Response:
    """A preference, not an action: a plain link may set it."""
    response = RedirectResponse(local(next), status_code=303)
    if lang in LOCALES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response


@router.get("/docs")
def docs(request: Request) -> Response:
    """Swagger UI for the OpenAPI document, from this server only (tools/web/node_modules)."""
    return render(request, "docs.html", session_principal(request, context(request)))


@router.get("/healthz")
def healthz() -> Response:
    return PlainTextResponse("ok")


def login_redirect(request: Request, error: ProblemError) -> Response:
    target = str(error.problem.model_extra.get("next", "/")) if error.problem.model_extra else "/"
    return RedirectResponse(f"/login?next={quote(local(target))}", status_code=303)
