"""What an operator asks about a city's webhooks: its subscriptions (from the log) and each
one's queue (delivered, pending, parked, the last error, when it tries next)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from accelerator.runtime import Runtime
from accelerator.webhooks.tables import PARKED, PENDING, DeliveryRow, SubscriptionRow
from events import parse
from services.subscriptions.domain import SUBSCRIPTION, Subscription


def subscriptions(runtime: Runtime, partner: str | None = None) -> dict[str, Subscription]:
    """Every subscription (of one partner) as its events fold, oldest first."""
    streams: dict[str, Subscription] = {}
    for ce in runtime.history():
        if ce.family == "subscriptions":
            streams[ce.subject] = SUBSCRIPTION.evolve(
                streams.get(ce.subject, SUBSCRIPTION.initial), parse(ce)
            )
    return {k: s for k, s in streams.items() if partner is None or s.partner == partner}


@dataclass
class Queue:
    subscription_id: str
    counts: Counter[str] = field(default_factory=Counter)
    next_attempt: datetime | None = None
    last_error: str | None = None
    parked: list[DeliveryRow] = field(default_factory=list)


def queues(engine: Engine, partner: str) -> list[Queue]:
    with Session(engine) as session:
        ids = session.exec(select(SubscriptionRow.subscription_id).where(SubscriptionRow.partner == partner))
        return [_queue(session, subscription_id) for subscription_id in ids]


def _queue(session: Session, subscription_id: str) -> Queue:
    queue = Queue(subscription_id)
    of_it = DeliveryRow.subscription_id == subscription_id
    counts = session.exec(select(DeliveryRow.status, func.count()).where(of_it).group_by(DeliveryRow.status))
    queue.counts.update(dict(counts.all()))
    queue.next_attempt = session.exec(
        select(func.min(DeliveryRow.next_attempt_at)).where(of_it, DeliveryRow.status == PENDING)
    ).one()
    last = session.exec(
        select(DeliveryRow.last_error)
        .where(of_it, col(DeliveryRow.last_error).is_not(None))
        .order_by(col(DeliveryRow.id).desc())
        .limit(1)
    ).first()
    queue.last_error = last
    queue.parked = list(
        session.exec(select(DeliveryRow).where(of_it, DeliveryRow.status == PARKED).limit(50))
    )
    return queue
