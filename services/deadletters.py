"""What a consumer could not process, and why: one model on both runtimes.

Embedded: rows of the `deadletter` table (`position` in the log). Kafka: messages on
`accelerator.dlq` (topic, partition and offset of the original, its key and headers).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class DeadLetter(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    reason: str
    consumer: str
    position: int | None = None
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    key: str | None = None
    value: str
    headers: dict[str, str | None] = {}

    @property
    def where(self) -> str:
        if self.topic is not None:
            return f"{self.topic}/{self.partition}@{self.offset}"
        return f"@{self.position}" if self.position is not None else "?"
