"""The dashboard (placeholder while the API comes first)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from accelerator.web.problems import ProblemError

router = APIRouter()


def error_page(request: Request, error: ProblemError) -> Response:
    return PlainTextResponse(error.detail, status_code=error.status)
