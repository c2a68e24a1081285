"""What travels on command, reply and dead-letter topics, and where a command goes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from events import CloudEvent
from events.base import Actor
from services.deadletters import DeadLetter
from services.kernel import Command, Rejected
from services.routing import COMMANDS as DOMAIN_COMMANDS
from services.routing import service_of
from services.scheduler.commands import CheckDeadlines

COMMANDS: dict[str, type[Command]] = {**DOMAIN_COMMANDS, CheckDeadlines.__name__: CheckDeadlines}

__all__ = ["COMMANDS", "CommandMessage", "DeadLetter", "Reply", "dead_letter", "key_of", "service_of"]


class CommandMessage(BaseModel):
    """The JSON envelope of a command on `accelerator.commands.<service>`."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    command_id: str = Field(min_length=1)
    type: str
    issued_at: AwareDatetime
    """The moment the command was given: its events carry this time (back-dating, simulations)."""
    actor: Actor = "unknown"
    """Who gave it (a person, a token's holder, `system:<consumer>`): recorded on its events."""
    reply_to: str | None = None
    data: dict[str, Any]

    def command(self) -> Command:
        cls = COMMANDS.get(self.type)
        if cls is None:
            raise ValueError(f"type: unknown command type {self.type!r}")
        return cls.model_validate(self.data)

    @classmethod
    def of(
        cls,
        command: Command,
        issued_at: datetime,
        reply_to: str | None,
        command_id: str | None = None,
        actor: str = "unknown",
    ) -> CommandMessage:
        return cls(
            command_id=command_id or str(uuid.uuid4()),
            type=type(command).__name__,
            issued_at=issued_at,
            actor=actor,
            reply_to=reply_to,
            data=command.model_dump(mode="json"),
        )


class Reply(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    command_id: str
    ok: bool
    error: str | None = None
    field: str | None = None
    events: list[CloudEvent] = []
    repeated: bool = False
    """The command id was seen before: these are the events of its first run."""
    quiet_until: date | None = None
    """A deadline check's answer: nothing on its partition is due before this day (`9999-12-31`:
    nothing is) unless an event is written meanwhile. None for any other command."""


def key_of(command: Command) -> str:
    """The aggregate the command writes: its messages stay in order on one partition."""
    try:
        return command.aggregate_id()
    except Rejected:  # an application whose number is invalid: refused by intake, with the reason
        return str(getattr(command, "challenge_id", "invalid"))


def dead_letter(record: Any, reason: str, consumer: str) -> DeadLetter:
    """From a kafka-python record (or anything with topic/partition/offset/key/value/headers)."""
    return DeadLetter(
        reason=reason,
        consumer=consumer,
        topic=getattr(record, "topic", None),
        partition=getattr(record, "partition", None),
        offset=getattr(record, "offset", None),
        key=_text(getattr(record, "key", None)),
        value=_text(record.value) or "",
        headers={k: _text(v) for k, v in (getattr(record, "headers", None) or [])},
    )


def _text(raw: bytes | str | None) -> str | None:
    return raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
