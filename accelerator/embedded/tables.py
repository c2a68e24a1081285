"""The embedded runtime's own tables beside the log: where each consumer is, what it could
not process, and what feeds published."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from services.deadletters import DeadLetter


class Tracking(SQLModel, table=True):
    """How far each consumer has got in the log (the position of its last handled event)."""

    consumer: str = Field(primary_key=True)
    position: int = 0


class DeadLetterRow(SQLModel, table=True):
    __tablename__ = "deadletter"

    id: int | None = Field(default=None, primary_key=True)
    consumer: str
    position: int
    reason: str
    payload: str

    def letter(self) -> DeadLetter:
        return DeadLetter(
            reason=self.reason, consumer=self.consumer, position=self.position, value=self.payload
        )


class FeedRow(SQLModel, table=True):
    """One event published on a channel (a city's feed), in the order of the log."""

    __tablename__ = "feed"

    position: int = Field(primary_key=True)
    channel: str = Field(primary_key=True, index=True)
    envelope: str
