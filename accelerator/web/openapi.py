"""The OpenAPI document as FastAPI makes it, with problem responses as what they are:
`application/problem+json` documents (FastAPI would label them `application/json`)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from accelerator.web.problems import MEDIA_TYPE


def document(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        doc = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        for operation in (op for path in doc.get("paths", {}).values() for op in path.values()):
            for response in operation.get("responses", {}).values():
                content = response.get("content", {})
                if MEDIA_TYPE in content and "application/json" in content:
                    content[MEDIA_TYPE] = content.pop("application/json")
        app.openapi_schema = doc
    return app.openapi_schema


def install(app: FastAPI) -> None:
    app.openapi = lambda: document(app)  # type: ignore[method-assign]
