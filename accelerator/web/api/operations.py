"""Who am I, a command's outcome, and the operator's questions: dead letters, the
scheduler's tick, whether the read model matches the log."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from starlette.responses import Response

from accelerator import queries
from accelerator.runtime import Outcome
from accelerator.web.api.commands import answer
from accelerator.web.api.models import Accepted, Me, OutcomeOut
from accelerator.web.auth import asking, principal
from accelerator.web.context import WebContext, context
from accelerator.web.dispatch import Filed
from accelerator.web.problems import RESPONSES, not_found
from accelerator.web.roles import COMMANDS, QUERIES, Kind
from accelerator.web.roles import Query as Q
from accelerator.web.tokens import Principal
from events import CloudEvent
from services.deadletters import DeadLetter
from services.routing import COMMANDS as ALL_COMMANDS

router = APIRouter(responses=RESPONSES)
operator = asking(Q.OPERATIONS)


@router.get("/me", response_model=Me, tags=["tokens"])
def me(p: Principal = Depends(principal)) -> Me:
    """The token's role and holder, and what it may send and read."""
    allowed = ALL_COMMANDS.values() if p.role.kind is Kind.MANAGER else COMMANDS.get(p.role.kind, ())
    return Me(
        token_id=p.token_id,
        role=str(p.role),
        holder=p.holder,
        commands=sorted(cls.__name__ for cls in allowed),
        queries=sorted(QUERIES.get(p.role.kind, ())),
    )


@router.get(
    "/outcomes/{command_id}",
    response_model=OutcomeOut,
    responses={202: {"model": Accepted, "description": "Not done yet: ask again"}},
    tags=["commands"],
)
def outcome(
    command_id: str, p: Principal = Depends(principal), web: WebContext = Depends(context)
) -> Response:
    """What a command sent with this token did (the same answer its POST gives on the
    embedded runtime); 202 while it is not done yet."""
    filed = web.dispatcher.outcomes.get(command_id) or from_log(web, command_id)
    if filed is None or (p.role.kind is not Kind.MANAGER and filed.actor != p.holder):
        raise not_found(f"command_id: no outcome for {command_id!r}")
    return answer(p, filed)


def from_log(web: WebContext, command_id: str) -> Filed | None:
    """Embedded, after a restart: a command's events are in the log under its id."""
    store = getattr(web.runtime, "store", None)
    recorded: list[CloudEvent] = store.caused_by([command_id]) if store is not None else []
    if not recorded:
        return None
    return Filed(command_id, recorded[0].actor or "", Outcome(command_id, tuple(recorded), repeated=True))


@router.get("/dead-letters", response_model=list[DeadLetter], tags=["operations"])
def dead_letters(p: Principal = Depends(operator), web: WebContext = Depends(context)) -> list[DeadLetter]:
    """What consumers could not process, with the reason, oldest first."""
    return web.runtime.dead_letters()


class Ticked(BaseModel):
    events: list[str]


@router.post("/scheduler/tick", response_model=Ticked, tags=["operations"])
def tick(p: Principal = Depends(operator), web: WebContext = Depends(context)) -> Ticked:
    """Check every deadline now (calls open and close, milestones fall overdue, programmes end)."""
    events = web.dispatcher.exclusive(web.runtime.tick)
    return Ticked(events=[f"{type(e).__name__} {e.subject}" for e in events])


class Rebuilt(BaseModel):
    startups: int
    challenges: int
    matches: bool
    differences: list[str]


@router.get("/rebuild", response_model=Rebuilt, tags=["operations"])
def rebuild(p: Principal = Depends(operator), web: WebContext = Depends(context)) -> Rebuilt:
    """Replay the whole log into fresh views: does the read model match it? (Repairs only
    from the CLI: `accelerator rebuild --repair`.)"""
    report = queries.rebuild(web.runtime)
    return Rebuilt(
        startups=report.startups,
        challenges=report.challenges,
        matches=report.matches,
        differences=report.differences,
    )
