"""Every refusal as an RFC 9457 problem document (`application/problem+json`).

The `detail` is the CLI's one line: `field: rule` for a refused command (`Rejected`), the
same rendering as `accelerator.cli.output.validation_message` for fields that do not
validate. `field` and `rule` name the first broken rule for programs; `errors` lists them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict
from starlette.responses import JSONResponse

from services.kernel import Rejected

PROBLEMS = "https://accelerator-tracker.eu/problems/"
MEDIA_TYPE = "application/problem+json"


class FieldError(BaseModel):
    field: str
    rule: str


class Problem(BaseModel):
    """An RFC 9457 problem: what went wrong, in one line, with the field and rule it broke."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    field: str | None = None
    rule: str | None = None
    errors: list[FieldError] = []
    command_id: str | None = None


class ProblemError(Exception):
    """Raised anywhere in a request: answered as a problem document."""

    def __init__(
        self,
        status: int,
        kind: str,
        title: str,
        detail: str,
        errors: Sequence[FieldError] = (),
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        first = errors[0] if errors else None
        self.problem = Problem(
            type=PROBLEMS + kind,
            title=title,
            status=status,
            detail=detail,
            field=first.field if first else None,
            rule=first.rule if first else None,
            errors=list(errors),
            **extra,
        )
        self.headers = dict(headers or {})

    @property
    def status(self) -> int:
        return self.problem.status

    @property
    def detail(self) -> str:
        return self.problem.detail

    def response(self, instance: str | None = None) -> JSONResponse:
        body = self.problem.model_copy(update={"instance": instance}).model_dump(
            mode="json", exclude_none=True
        )
        return JSONResponse(body, status_code=self.status, headers=self.headers, media_type=MEDIA_TYPE)


def unauthorized(detail: str = "token: missing, unknown or revoked") -> ProblemError:
    return ProblemError(401, "unauthorized", "Unauthorized", detail, headers={"WWW-Authenticate": "Bearer"})


def forbidden(detail: str) -> ProblemError:
    return ProblemError(403, "forbidden", "Forbidden", detail)


def not_found(detail: str) -> ProblemError:
    return ProblemError(404, "not-found", "Not found", detail)


def too_large(limit: int) -> ProblemError:
    return ProblemError(413, "too-large", "Request body too large", f"body: must be at most {limit} bytes")


def unavailable(detail: str) -> ProblemError:
    return ProblemError(503, "unavailable", "Service unavailable", detail, headers={"Retry-After": "5"})


def refused(refusal: Rejected) -> ProblemError:
    return ProblemError(
        422, "refused", "Refused", str(refusal), [FieldError(field=refusal.field, rule=refusal.rule)]
    )


def field_errors(items: Iterable[Mapping[str, Any]], drop: tuple[str, ...] = ("body",)) -> list[FieldError]:
    """Pydantic's errors as `field: rule` pairs, the location without the request part."""
    found = []
    for item in items:
        loc = [str(p) for p in item.get("loc", ())]
        while loc and loc[0] in drop:
            loc = loc[1:]
        found.append(FieldError(field=".".join(loc) or "input", rule=str(item.get("msg", "")).lower()))
    return found


def invalid(errors: Sequence[FieldError]) -> ProblemError:
    detail = "; ".join(f"{e.field}: {e.rule}" for e in errors)
    return ProblemError(422, "invalid", "Invalid request", detail, errors)


RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {MEDIA_TYPE: {}}, "description": description}
    for status, description in (
        (401, "No valid token: missing, unknown or revoked"),
        (403, "The token's role may not do this"),
        (404, "No such resource (or not one of the role's own)"),
        (413, "The request body is too large"),
        (422, "Refused: the field and the rule it broke, as the CLI says it"),
    )
}
"""The problems every API operation may answer, for the OpenAPI document."""
