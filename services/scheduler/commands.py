"""The scheduler's one command: check the deadlines of the aggregates in one partition."""

from __future__ import annotations

from pydantic import Field

from services.kernel import Command


class CheckDeadlines(Command):
    """Sent by the Kafka scheduler to every partition of each service with watched aggregates."""

    partition: int = Field(ge=0)

    def aggregate_id(self) -> str:
        return f"deadlines-{self.partition}"
