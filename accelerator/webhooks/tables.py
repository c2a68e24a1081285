"""The durable delivery queue, in the runtime's SQL database (SQLite embedded, PostgreSQL on Kafka).

`webhook_subscription`: each subscription as the deliveries consumer last saw it (its secrets
sealed). `webhook_delivery`: one row per (subscription, event, replay): its place in the
subscription's queue (`id`), the feed position, the event as the city's feed has it, and the
retry state — attempts, the next attempt, the deadline — so retries survive a restart.
`city_feed`: the Kafka runtime's copy of the city topics, by position (the embedded runtime
has its `feed` table): what replays and the HTTP feed read.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

PENDING, DELIVERED, PARKED, CANCELLED = "pending", "delivered", "parked", "cancelled"


class SubscriptionRow(SQLModel, table=True):
    __tablename__ = "webhook_subscription"

    subscription_id: str = Field(primary_key=True)
    partner: str = Field(index=True)
    url: str
    types: str = "[]"
    """JSON list of event types or families; empty: all."""
    status: str
    since: datetime
    secrets: str = "[]"
    """JSON list of {"sealed": ..., "valid_until": ISO or null}, the current one first."""
    version: int = 0
    """The last version of its stream applied: a redelivered event is recognised."""
    ended_reason: str | None = None


class DeliveryRow(SQLModel, table=True):
    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_id", "generation"),
        Index("ix_webhook_delivery_queue", "subscription_id", "status", "subject", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: str
    generation: int = 0
    """0: the first delivery; a replay's: the version of its request (each replay delivers anew)."""
    position: int
    event_id: str
    subject: str
    event_type: str
    event_time: datetime
    envelope: str
    status: str = PENDING
    attempts: int = 0
    next_attempt_at: datetime
    deadline: datetime
    last_status: int | None = None
    last_error: str | None = None
    delivered_at: datetime | None = None


class CityFeedRow(SQLModel, table=True):
    """A city topic's event, numbered in the order it was read (Kafka runtime)."""

    __tablename__ = "city_feed"
    __table_args__ = (UniqueConstraint("channel", "event_id"),)

    position: int | None = Field(default=None, primary_key=True)
    channel: str = Field(index=True)
    event_id: str
    time: datetime
    envelope: str


TABLES = [SubscriptionRow.__table__, DeliveryRow.__table__, CityFeedRow.__table__]  # type: ignore[attr-defined]
