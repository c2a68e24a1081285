"""Rendering a dashboard page: Jinja2 (autoescaped) in the reader's language, with the
Belgian formats, the navigation of their role and the form token (CSRF) of their session."""

from __future__ import annotations

import hmac
import secrets
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from accelerator.web import labels
from accelerator.web.i18n import DEFAULT, N_, Formats, language, translations
from accelerator.web.pages.charts_view import Charts
from accelerator.web.problems import forbidden
from accelerator.web.roles import Kind, Query
from accelerator.web.tokens import Principal
from services.routing import COMMANDS
from services.rules import RULES

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LANG_COOKIE = "accelerator_lang"

NAV: tuple[tuple[str, str, Query | None], ...] = (
    ("/", N_("Overview"), Query.STARTUPS),
    ("/startups", N_("Startups"), Query.STARTUPS),
    ("/applications", N_("Applications"), Query.APPLICATIONS),
    ("/grants", N_("Grants"), Query.PAYMENTS),
    ("/payments", N_("Payments"), Query.PAYMENTS),
    ("/pilots", N_("Pilots"), Query.STARTUPS),
    ("/live", N_("Live"), Query.STREAM),
    ("/actions", N_("Actions"), None),
)
MY_STARTUP = N_("My startup")


@cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(Formats(lang).filters())
    env.filters["label"] = lambda raw: translations(lang).gettext(labels.value(raw))
    env.filters["field"] = lambda name: translations(lang).gettext(labels.field(name))
    env.filters["event_name"] = lambda kind: translations(lang).gettext(labels.event_name(kind))
    env.globals["DETAILS"] = labels.DETAILS
    env.globals["charts"] = Charts(lang)
    env.globals["commands"] = COMMANDS
    env.globals["criteria"] = list(RULES.criteria)
    env.globals["score_min"], env.globals["score_max"] = RULES.score_min, RULES.score_max
    return env


def lang_of(request: Request) -> str:
    return language(request.cookies.get(LANG_COOKIE) or DEFAULT)


def csrf_token(request: Request) -> str:
    """The session's form token (made on first use): every form posts it back."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf(request: Request, sent: str | None) -> None:
    """A form must carry its session's token, and come from this site (Origin, when sent)."""
    expected = request.session.get("csrf")
    origin = request.headers.get("origin")
    same_site = origin is None or origin == f"{request.url.scheme}://{request.url.netloc}"
    if not (isinstance(expected, str) and sent and hmac.compare_digest(expected, sent) and same_site):
        raise forbidden(
            "csrf_token: the form has expired or did not come from this site; "
            "reload the page and send it again"
        )


def nav(p: Principal | None) -> list[tuple[str, str]]:
    if p is None:
        return []
    home_first = [(path, label) for path, label, query in NAV if query is None or p.role.may_ask(query)]
    if p.role.kind is Kind.STARTUP:
        home_first.insert(0, (f"/startups/{p.role.subject}", MY_STARTUP))
        home_first = [item for item in home_first if item[0] not in ("/", "/startups")]
    return home_first


def render(
    request: Request, template: str, p: Principal | None, status: int = 200, **context: Any
) -> HTMLResponse:
    lang = lang_of(request)
    page = (
        environment(lang)
        .get_template(template)
        .render(
            request=request,
            principal=p,
            lang=lang,
            csrf=csrf_token(request),
            nav=nav(p),
            path=request.url.path,
            fmt=Formats(lang),
            flash=request.session.pop("flash", None),
            **context,
        )
    )
    return HTMLResponse(page, status_code=status, headers={"Cache-Control": "no-store"})
