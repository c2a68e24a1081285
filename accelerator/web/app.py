"""The app factory: the API under `/api/v1`, the dashboard, the live stream, around one runtime.

`create_app(runtime, tokens)` builds the app; nothing is opened at import time. Refusals of
every kind become problem documents on the API (accelerator/web/problems.py) and an error
page on the dashboard.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

from accelerator.embedded.files import StoreError
from accelerator.runtime import Runtime, Unavailable
from accelerator.web import city_feed, openapi, pages, sse
from accelerator.web.api import commands, operations, payments, selection, startups
from accelerator.web.context import WebContext, WebSettings
from accelerator.web.problems import ProblemError, field_errors, invalid, refused, unavailable
from accelerator.web.security import BodyLimit, SecurityHeaders
from accelerator.web.tokens import TokenStore
from services.kernel import ConcurrencyConflict, Rejected

HERE = Path(__file__).resolve().parent
VENDOR = HERE.parent.parent / "tools" / "web" / "node_modules"
"""htmx and Swagger UI, installed from npm by scripts/setup.sh (never copied into the repo)."""
VENDORED = {
    "htmx": "htmx.org/dist",
    "htmx-sse": "htmx-ext-sse/dist",
    "swagger": "swagger-ui-dist",
}

DESCRIPTION = """The programme office's API: every command of the programme (one endpoint each,
the body is the command) and every question (startups, applications, reviews, payments,
pilots, the live stream).

Authenticate with `Authorization: Bearer <token>` (`accelerator tokens create --role ...`).
Refusals are [RFC 9457](https://www.rfc-editor.org/rfc/rfc9457) problem documents naming the
field and the rule. Send an `Idempotency-Key` to retry a command safely.
"""


def create_app(runtime: Runtime, tokens: TokenStore, settings: WebSettings | None = None) -> FastAPI:
    settings = settings or WebSettings()
    app = FastAPI(
        title="Accelerator programme tracker",
        version="1",
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        lifespan=lifespan,
    )
    openapi.install(app)
    app.state.web = WebContext(runtime, tokens, settings)
    api = APIRouter(prefix="/api/v1")
    for module in (startups, selection, payments, operations, commands, sse):
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(city_feed.router)  # /cities/{city}/events: a partner city's feed
    app.state.feed = city_feed.source(runtime)
    app.include_router(pages.router)
    mount_static(app)
    handle_errors(app)
    app.add_middleware(
        SessionMiddleware,
        secret_key=tokens.secret("session"),
        session_cookie="accelerator_session",
        max_age=settings.session_hours * 3600,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    return app


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.web.dispatcher.close()


def mount_static(app: FastAPI) -> None:
    for name, folder in VENDORED.items():
        if (VENDOR / folder).is_dir():
            app.mount(f"/static/vendor/{name}", StaticFiles(directory=VENDOR / folder), name=f"vendor-{name}")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")


def api_path(request: Request) -> bool:
    """Machines' paths, answered with problem documents (never a login page): the API and the
    partner cities' feeds."""
    path = request.url.path
    return path.startswith("/api/") or (path.startswith("/cities/") and path.endswith("/events"))


def problem(request: Request, error: ProblemError) -> Response:
    if api_path(request):
        return error.response(request.url.path)
    return pages.error_page(request, error)


def handle_errors(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def _problem(request: Request, error: ProblemError) -> Response:
        return problem(request, error)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> Response:
        return problem(
            request, invalid(field_errors(error.errors(), drop=("body", "query", "path", "header")))
        )

    @app.exception_handler(ValidationError)
    async def _model(request: Request, error: ValidationError) -> Response:
        return problem(request, invalid(field_errors(error.errors(), drop=())))

    @app.exception_handler(Rejected)
    async def _refused(request: Request, error: Rejected) -> Response:
        return problem(request, refused(error))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> Response:
        status = error.status_code
        kind = {404: "not-found", 405: "method-not-allowed", 413: "too-large"}.get(status, "http")
        detail = f"path: no such page {request.url.path!r}" if status == 404 else str(error.detail)
        title = HTTPStatus(status).phrase
        return problem(request, ProblemError(status, kind, title, detail, headers=error.headers))

    @app.exception_handler(ConcurrencyConflict)
    async def _conflict(request: Request, error: ConcurrencyConflict) -> Response:
        return problem(request, ProblemError(409, "conflict", "Conflict", f"stream: {error}; try again"))

    @app.exception_handler(StoreError)
    @app.exception_handler(Unavailable)
    async def _unavailable(request: Request, error: Exception) -> Response:
        return problem(request, unavailable(str(error)))
