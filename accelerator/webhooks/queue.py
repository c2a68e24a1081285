"""The durable delivery queue: what the deliveries consumer does with each event it reads.

- A subscription event updates the subscription's row (once: by its stream version) and may
  fill its queue: a registration from the feed's history since its `since`, a replay with the
  range it names (a new generation: delivered again, even what was delivered before), a
  resumption restarts the retry window, an end cancels what is still pending.
- A feed event (a city's redacted event, at its feed position) is queued for every
  subscription of that city that wants it.

Inserts are idempotent (`UNIQUE(subscription, event, generation)`), so a redelivered event or
a backfill racing the live feed queues nothing twice. Both runtimes call this inside the
transaction that also moves their position on.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import update
from sqlmodel import Session, col, select

from accelerator.webhooks.tables import CANCELLED, PARKED, PENDING, DeliveryRow, SubscriptionRow
from events import CloudEvent, parse
from events.subscriptions import (
    SubscriptionEnded,
    SubscriptionRegistered,
    SubscriptionReplayRequested,
    SubscriptionResumed,
)
from services.cities.domain import channel
from services.subscriptions.domain import Secret, Status, Subscription, evolve, wanted

Entries = Iterable[tuple[int, CloudEvent]]


class FeedHistory(Protocol):
    """A city's feed as the runtime keeps it: (position, event) in order, from a point on."""

    def entries(
        self, session: Session, channel: str, after: int = 0, since: datetime | None = None
    ) -> Entries: ...


def utcnow() -> datetime:
    return datetime.now(UTC)


def utc(moment: datetime) -> datetime:
    """Rows keep UTC (a value read back without its zone, from SQLite, is UTC)."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


class Queue:
    def __init__(self, history: FeedHistory, retry: timedelta, now: Callable[[], datetime] = utcnow) -> None:
        self.history, self.retry, self.now = history, retry, now

    def subscription_event(self, session: Session, ce: CloudEvent) -> None:
        row = session.get(SubscriptionRow, ce.subject)
        version = ce.streamversion or 0
        if row is not None and version <= row.version:
            return  # seen before (a redelivery)
        event = parse(ce)
        state = evolve(subscription(row), event)
        row = _store(session, row, ce.subject, state, version)
        match event:
            case SubscriptionRegistered():
                self._fill(
                    session, row, 0, self.history.entries(session, channel(row.partner), since=event.since)
                )
            case SubscriptionReplayRequested():
                self._replay(session, row, event, version)
            case SubscriptionResumed():
                self._restart(session, row.subscription_id)
            case SubscriptionEnded():
                _cancel(session, row.subscription_id)

    def feed_event(self, session: Session, position: int, feed: str, ce: CloudEvent) -> None:
        partner = feed.removeprefix("city:")
        rows = session.exec(
            select(SubscriptionRow).where(
                SubscriptionRow.partner == partner, SubscriptionRow.status != "ended"
            )
        )
        for row in rows:
            if subscription(row).wants(ce):
                self._enqueue(session, row.subscription_id, 0, position, ce)

    def _replay(
        self, session: Session, row: SubscriptionRow, event: SubscriptionReplayRequested, version: int
    ) -> None:
        if event.parked:
            now = self.now()
            session.execute(
                update(DeliveryRow)
                .where(
                    col(DeliveryRow.subscription_id) == row.subscription_id, col(DeliveryRow.status) == PARKED
                )
                .values(status=PENDING, attempts=0, next_attempt_at=now, deadline=now + self.retry)
            )
            return
        after = event.from_position - 1 if event.from_position is not None else 0
        entries = self.history.entries(session, channel(row.partner), after=after, since=event.since)
        self._fill(session, row, version, entries)

    def _fill(self, session: Session, row: SubscriptionRow, generation: int, entries: Entries) -> None:
        """Queue these feed entries (already the range asked for) of the types it wants."""
        types = tuple(json.loads(row.types))
        for position, ce in entries:
            if wanted(types, ce.type):
                self._enqueue(session, row.subscription_id, generation, position, ce)

    def _enqueue(
        self, session: Session, subscription_id: str, generation: int, position: int, ce: CloudEvent
    ) -> None:
        now = self.now()
        values = {
            "subscription_id": subscription_id,
            "generation": generation,
            "position": position,
            "event_id": ce.id,
            "subject": ce.subject,
            "event_type": ce.type,
            "event_time": utc(ce.time),
            "envelope": ce.to_json(),
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "deadline": now + self.retry,
        }
        insert_ignoring_duplicates(session, DeliveryRow, values)

    def _restart(self, session: Session, subscription_id: str) -> None:
        """Paused, nothing was tried: the retry window starts again when it resumes."""
        now = self.now()
        session.execute(
            update(DeliveryRow)
            .where(col(DeliveryRow.subscription_id) == subscription_id, col(DeliveryRow.status) == PENDING)
            .values(next_attempt_at=now, deadline=now + self.retry)
        )


def _cancel(session: Session, subscription_id: str) -> None:
    session.execute(
        update(DeliveryRow)
        .where(col(DeliveryRow.subscription_id) == subscription_id, col(DeliveryRow.status) == PENDING)
        .values(status=CANCELLED)
    )


def insert_ignoring_duplicates(session: Session, model: Any, values: dict[str, Any]) -> None:
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(model).values(**values).on_conflict_do_nothing())


def subscription(row: SubscriptionRow | None) -> Subscription:
    """The row as the domain's value (what `evolve` folds)."""
    if row is None:
        return Subscription()
    secrets = tuple(
        Secret(s["sealed"], datetime.fromisoformat(s["valid_until"]) if s["valid_until"] else None)
        for s in json.loads(row.secrets)
    )
    since = utc(row.since)
    return Subscription(
        Status(row.status),
        row.partner,
        row.url,
        tuple(json.loads(row.types)),
        since,
        secrets,
        row.ended_reason,
    )


def _store(
    session: Session, row: SubscriptionRow | None, key: str, state: Subscription, version: int
) -> SubscriptionRow:
    secrets = [
        {"sealed": s.sealed, "valid_until": s.valid_until.isoformat() if s.valid_until else None}
        for s in state.secrets
    ]
    row = row or SubscriptionRow(
        subscription_id=key,
        partner=state.partner,
        url=state.url,
        status=state.status,
        since=utc(state.since or datetime.now(UTC)),
    )
    row.partner, row.url, row.status = state.partner, state.url, state.status.value
    row.types, row.secrets, row.version = json.dumps(list(state.types)), json.dumps(secrets), version
    row.since = utc(state.since) if state.since else row.since
    row.ended_reason = state.ended_reason
    session.add(row)
    session.flush()
    return row
