"""Idempotency-Key: a client's retry of a command is the same command, never a second one.

The key becomes the command id — a uuid5 of the token's holder and the key, so two clients'
keys never collide — and both runtimes answer a command id they have seen with its first
outcome (`Outcome.repeated`). The same key sent with another request is refused: answering
it with the first request's outcome would hide that the second was never done.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from accelerator.embedded.files import writer
from accelerator.web.problems import FieldError, ProblemError, invalid
from accelerator.web.tables import IdempotencyRow
from services.kernel import Command

NAMESPACE = uuid.UUID("0b7f0c9e-3f5d-5a7e-9a61-2b1c8d4e6f70")
KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
HEADER = "Idempotency-Key"


def command_id(holder: str, key: str | None) -> str:
    """The command id for a request: from the key if the client sent one, else a fresh one."""
    if key is None:
        return str(uuid.uuid4())
    if not KEY.match(key):
        raise invalid([FieldError(field=HEADER, rule="must be 1 to 255 visible ASCII characters")])
    return str(uuid.uuid5(NAMESPACE, f"{holder}\x1f{key}"))


def fingerprint(command: Command) -> str:
    body = json.dumps(command.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(f"{type(command).__name__}\n{body}".encode()).hexdigest()


def claim(engine: Engine, command_id: str, command: Command) -> None:
    """Remember what this key was first used for; refuse it for anything else."""
    mark = fingerprint(command)
    with Session(writer(engine)) as session:  # reads, then writes: the write lock first
        row = session.get(IdempotencyRow, command_id)
        if row is None:
            session.add(IdempotencyRow(command_id=command_id, fingerprint=mark, created_at=datetime.now(UTC)))
            try:
                session.commit()
                return
            except IntegrityError:  # the same key at the same moment from another request
                session.rollback()
                row = session.get(IdempotencyRow, command_id)
    if row is not None and row.fingerprint != mark:
        raise ProblemError(
            422,
            "idempotency-key-reused",
            "Idempotency-Key reused",
            f"{HEADER}: was used before for another request; use a new key for a new request",
            [FieldError(field=HEADER, rule="was used before for another request")],
        )
