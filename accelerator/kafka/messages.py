"""What travels on command and reply topics, and how a command finds its service and key."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from accelerator.routing import HANDLERS
from events import CloudEvent
from events.envelope import NAMESPACE
from services.intake.commands import SubmitApplication
from services.intake.domain import startup_id_for
from services.kernel import Command, Rejected
from services.payments.commands import startup_of
from services.scheduler.commands import CheckDeadlines

_TYPES: list[type[Command]] = [*HANDLERS, CheckDeadlines]
COMMANDS: dict[str, type[Command]] = {cls.__name__: cls for cls in _TYPES}


class CommandMessage(BaseModel):
    """The JSON envelope of a command on `accelerator.commands.<service>`."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    command_id: str = Field(min_length=1)
    type: str
    issued_at: AwareDatetime
    """The moment the command was given: its events carry this time (back-dating, simulations)."""
    reply_to: str | None = None
    data: dict[str, Any]

    def command(self) -> Command:
        cls = COMMANDS.get(self.type)
        if cls is None:
            raise ValueError(f"type: unknown command type {self.type!r}")
        return cls.model_validate(self.data)

    @classmethod
    def of(
        cls, command: Command, issued_at: datetime, reply_to: str | None, command_id: str | None = None
    ) -> CommandMessage:
        return cls(
            command_id=command_id or str(uuid.uuid4()),
            type=type(command).__name__,
            issued_at=issued_at,
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
    spawned: list[str] = []
    """Commands that policies sent in reaction; their replies follow."""


class DeadLetter(BaseModel):
    """What `accelerator.dlq` carries: the message that could not be processed, and why."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    reason: str
    consumer: str
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    key: str | None = None
    value: str
    headers: dict[str, str | None] = {}

    @classmethod
    def of(cls, record: Any, reason: str, consumer: str) -> DeadLetter:
        """From a kafka-python record (or anything with topic/partition/offset/key/value/headers)."""
        return cls(
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


def service_of(command: Command | type[Command]) -> str:
    cls = command if isinstance(command, type) else type(command)
    return cls.__module__.split(".")[1]


def key_of(command: Command) -> str:
    """The aggregate the command is about: its messages stay in order on one partition."""
    if isinstance(command, SubmitApplication):
        from services.intake.domain import valid_enterprise_number

        try:
            return startup_id_for(command.challenge_id, valid_enterprise_number(command.enterprise_number))
        except Rejected:
            return command.challenge_id  # refused by the service anyway, with the reason
    for name in ("startup_id", "challenge_id", "cohort_id", "item_id"):
        value = getattr(command, name, None)
        if value:
            return str(value)
    payment = getattr(command, "payment_id", None)
    if payment:
        return startup_of(payment)
    raise ValueError(f"{type(command).__name__} names no aggregate")


def reaction_id(event_id: str, index: int) -> str:
    """A policy's command id follows from the event it reacts to: a retry sends the same one."""
    return str(uuid.uuid5(NAMESPACE, f"{event_id}/reaction/{index}"))
