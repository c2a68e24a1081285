"""One endpoint per command of the routing table: `POST /api/v1/commands/{CommandName}`.

The request body is the command's own pydantic model, so the OpenAPI document shows each
command's schema and a command added to `services.routing` appears here by itself (for the
programme manager; `accelerator.web.roles` opens it to others). The token's holder is the
command's actor; an `Idempotency-Key` becomes its command id.

Embedded: 200 with the events recorded and the policies' reactions. Kafka: 202 with the
command id and the link to its outcome (`GET /api/v1/outcomes/{command_id}`).
"""

# No `from __future__ import annotations`: FastAPI reads each endpoint's annotations, and the
# command class of a generated endpoint exists only in the closure that builds it.

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Body, Depends, Header
from starlette.responses import JSONResponse, Response

from accelerator.web import idempotency, scope
from accelerator.web.api.models import Accepted, OutcomeOut
from accelerator.web.auth import sending
from accelerator.web.context import WebContext, context
from accelerator.web.dispatch import Filed
from accelerator.web.problems import RESPONSES, ProblemError, refused, unavailable
from accelerator.web.tokens import Principal
from services.kernel import Command
from services.routing import COMMANDS, service_of

router = APIRouter(prefix="/commands")
ACCEPTED: dict[int | str, dict[str, Any]] = {
    202: {"model": Accepted, "description": "Kafka: sent; the outcome will be at `outcome`"}
}


def outcome_path(command_id: str) -> str:
    return f"/api/v1/outcomes/{command_id}"


def answer(p: Principal, filed: Filed) -> Response:
    """The HTTP answer for a filed outcome: 200 done, 202 pending, 422 refused, 503 unknown."""
    if filed.refusal is not None:
        raise refused(filed.refusal)
    if filed.failure is not None:
        raise unavailable(filed.failure)
    if filed.outcome is None:
        body = Accepted(command_id=filed.command_id, outcome=outcome_path(filed.command_id))
        headers = {"Location": body.outcome, "Retry-After": "1"}
        return JSONResponse(body.model_dump(mode="json"), status_code=202, headers=headers)
    outcome = filed.outcome
    events = [e for ce in outcome.recorded if (e := scope.outcome_view(p, ce, outcome.command_id))]
    reactions = [e for ce in outcome.reactions if (e := scope.event_view(p, ce))]
    if outcome.refusal is not None:
        # a refusal kept on record (a payment past the cap): the caller failed, the log says why
        raise ProblemError(
            422,
            "refused-on-record",
            "Refused (kept on record)",
            outcome.refusal,
            command_id=outcome.command_id,
            events=[ce.model_dump(mode="json", exclude_none=True) for ce in events],
        )
    body_ = OutcomeOut(
        command_id=outcome.command_id, repeated=outcome.repeated, events=events, reactions=reactions
    )
    headers = {"Idempotent-Replayed": "true"} if outcome.repeated else {}
    return JSONResponse(body_.model_dump(mode="json", exclude_none=True), headers=headers)


def send(web: WebContext, p: Principal, command: Command, key: str | None) -> Response:
    """Scope, claim the key, run or send the command, answer."""
    scope.check_command(p, command, web.reader)
    command_id = idempotency.command_id(p.holder, key)
    if key is not None:
        idempotency.claim(web.tokens.engine, command_id, command)
    return answer(p, web.dispatcher.submit(command, p.holder, command_id))


def endpoint(cls: type[Command]) -> Callable[..., Any]:
    def post(
        command: cls = Body(...),  # type: ignore[valid-type]
        p: Principal = Depends(sending(cls)),
        web: WebContext = Depends(context),
        key: str | None = Header(
            None, alias=idempotency.HEADER, description="retry safely: same key, same outcome"
        ),
    ) -> Response:
        return send(web, p, command, key)

    return post


def describe(cls: type[Command]) -> str:
    doc = (cls.__doc__ or "").strip()
    inherited = next((b.__doc__ for b in cls.__mro__[1:] if b.__doc__), None)
    return "" if doc == (inherited or "").strip() else doc


for name, cls in COMMANDS.items():
    router.add_api_route(
        f"/{name}",
        endpoint(cls),
        methods=["POST"],
        name=name,
        operation_id=name,
        summary=name,
        description=describe(cls),
        tags=[f"commands: {service_of(cls)}"],
        response_model=OutcomeOut,
        responses=ACCEPTED | RESPONSES,
    )
