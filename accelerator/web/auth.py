"""Who is asking, and may they: FastAPI dependencies every route declares.

An API client sends `Authorization: Bearer <token>`. A browser logs in once with a token
(or a one-time link) and then carries a signed session cookie that names the token; the
cookie is accepted for reading only (GET): anything that changes state comes from a
bearer-token client or from a dashboard form with its CSRF token (accelerator/web/pages).
A revoked token stops working at once, cookie or not.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import Request

from accelerator.web.context import WebContext, context
from accelerator.web.problems import forbidden, unauthorized
from accelerator.web.roles import Query
from accelerator.web.tokens import Principal
from services.kernel import Command

bearer = HTTPBearer(auto_error=False, description="An API token: `accelerator tokens create --role ...`")
SAFE = frozenset({"GET", "HEAD"})


def session_principal(request: Request, web: WebContext) -> Principal | None:
    token_id = request.session.get("token_id") if "session" in request.scope else None
    return web.tokens.principal(token_id) if isinstance(token_id, str) else None


def principal(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
    web: WebContext = Depends(context),
) -> Principal:
    if credentials is not None:
        found = web.tokens.authenticate(credentials.credentials)
    elif request.method in SAFE:
        found = session_principal(request, web)
    else:
        found = None
    if found is None:
        raise unauthorized()
    return found


def asking(query: Query) -> Callable[..., Principal]:
    """A dependency: the principal, if its role may ask this kind of question."""

    def check(p: Principal = Depends(principal)) -> Principal:
        if not p.role.may_ask(query):
            raise forbidden(f"{query}: a {p.role.kind} may not read this")
        return p

    return check


def sending(command: type[Command]) -> Callable[..., Principal]:
    """A dependency: the principal, if its role may send this type of command."""

    def check(p: Principal = Depends(principal)) -> Principal:
        if not p.role.may_send(command):
            raise forbidden(f"{command.__name__}: a {p.role.kind} may not send this command")
        return p

    return check
