"""The scheduler's one command: check the deadlines of the aggregates in one partition."""

from __future__ import annotations

from pydantic import Field

from services.kernel import Command


class CheckDeadlines(Command):
    """Sent to every partition of the intake and accelerator command topics by the scheduler."""

    partition: int = Field(ge=0)
