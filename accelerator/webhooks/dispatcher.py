"""Every subscription's queue at its own pace: one thread per active subscription, so a slow
or failing endpoint holds back only its own deliveries, never another city's.

In a queue, the next delivery of each subject goes when it is due (in order per subject; one
failing subject does not hold back the others). A failure is retried with exponential backoff
and jitter until the delivery's deadline (`webhook_retry_hours` after it was queued), then
parked (the dead letters: `accelerator cities deliveries`, `cities replay --parked`). A 410
ends the subscription. Every outcome is written before the next delivery is tried, so a crash
repeats at most the delivery in hand — with the same `webhook-id`.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from cryptography.fernet import Fernet
from sqlalchemy import Engine, exists
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from accelerator.embedded.files import writer
from accelerator.settings import Settings
from accelerator.webhooks import secrets
from accelerator.webhooks.queue import _cancel, utc, utcnow
from accelerator.webhooks.sender import Result, Sender
from accelerator.webhooks.tables import DELIVERED, PARKED, PENDING, DeliveryRow, SubscriptionRow

log = logging.getLogger("accelerator.webhooks")
BATCH = 20


def backoff(attempts: int, settings: Settings, rng: random.Random) -> timedelta:
    """Exponential, with jitter (half fixed, half random), capped."""
    ceiling = min(
        settings.webhook_backoff_max_seconds, settings.webhook_backoff_seconds * 2 ** (attempts - 1)
    )
    return timedelta(seconds=ceiling / 2 + rng.uniform(0, ceiling / 2))


def due(session: Session, subscription_id: str, now: datetime, limit: int = BATCH) -> list[DeliveryRow]:
    """The pending deliveries due now that are the first pending one of their subject."""
    earlier = aliased(DeliveryRow)
    blocked = exists().where(
        col(earlier.subscription_id) == col(DeliveryRow.subscription_id),
        col(earlier.subject) == col(DeliveryRow.subject),
        col(earlier.status) == PENDING,
        col(earlier.id) < col(DeliveryRow.id),
    )
    query = (
        select(DeliveryRow)
        .where(DeliveryRow.subscription_id == subscription_id, DeliveryRow.status == PENDING)
        .where(col(DeliveryRow.next_attempt_at) <= now, ~blocked)
        .order_by(col(DeliveryRow.id))
        .limit(limit)
    )
    return list(session.exec(query))


class Dispatcher:
    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        on_gone: Callable[[str], None],
        sender: Sender | None = None,
        now: Callable[[], datetime] = utcnow,
        seed: int | None = None,
    ) -> None:
        self.engine, self.settings, self.on_gone, self.now = engine, settings, on_gone, now
        self.writes = writer(engine)  # each queue's thread reads a delivery, then records it
        self.sender = sender or Sender(settings.webhook_timeout_seconds, settings.webhook_allow_loopback)
        self._key: Fernet | None = None
        self.rng = random.Random(seed)
        self.threads: dict[str, threading.Thread] = {}

    def run(self, keep_going: Callable[[], bool], poll: float = 0.5) -> None:
        """Until told to stop: a thread for each active subscription (a new one joins)."""
        while keep_going():
            for subscription_id in self.active():
                thread = self.threads.get(subscription_id)
                if thread is None or not thread.is_alive():
                    thread = threading.Thread(
                        target=self._serve,
                        args=(subscription_id, keep_going, poll),
                        name=f"webhooks-{subscription_id}",
                        daemon=True,
                    )
                    self.threads[subscription_id] = thread
                    thread.start()
            time.sleep(poll)
        for thread in self.threads.values():
            thread.join(self.settings.webhook_timeout_seconds + 5)

    def active(self) -> list[str]:
        with Session(self.engine) as session:
            rows = session.exec(
                select(SubscriptionRow.subscription_id).where(SubscriptionRow.status == "active")
            )
            return list(rows)

    def _serve(self, subscription_id: str, keep_going: Callable[[], bool], poll: float) -> None:
        while keep_going():
            try:
                tried = self.step(subscription_id)
            except Exception:  # a database hiccup: this queue waits and tries again
                log.exception("webhooks %s: could not deliver; trying again", subscription_id)
                tried = None
            if tried is None:
                return  # no longer active: the dispatcher starts it again when it is
            if not tried:
                time.sleep(poll)

    def step(self, subscription_id: str) -> int | None:
        """Send what is due in this subscription's queue; how many were tried (None: not active)."""
        with Session(self.engine) as session:
            row = session.get(SubscriptionRow, subscription_id)
            if row is None or row.status != "active":
                return None
            url, keys = row.url, self._secrets(row)
            batch = due(session, subscription_id, self.now())
        for delivery in batch:
            result = self.sender.send(url, keys, delivery.event_id, delivery.envelope.encode())
            self._record(delivery.id, result)
            if result.gone:
                self._end(subscription_id)
                return len(batch)
        return len(batch)

    def _secrets(self, row: SubscriptionRow) -> list[str]:
        """The current secret, and a rotated-out one while it is still valid."""
        now = datetime.now(UTC)
        valid = [
            s["sealed"]
            for s in json.loads(row.secrets)
            if s["valid_until"] is None or datetime.fromisoformat(s["valid_until"]) > now
        ]
        self._key = self._key or secrets.key(self.settings)  # only needed once there is something to sign
        return [secrets.unseal(sealed, self._key) for sealed in valid]

    def _record(self, delivery_id: int | None, result: Result) -> None:
        with Session(self.writes) as session:
            delivery = session.get(DeliveryRow, delivery_id)
            assert delivery is not None
            now = self.now()
            delivery.attempts += 1
            delivery.last_status, delivery.last_error = result.status, result.error
            if result.ok or result.gone:
                delivery.status, delivery.delivered_at = DELIVERED, now
            else:
                following = now + backoff(delivery.attempts, self.settings, self.rng)
                if following > utc(delivery.deadline):
                    delivery.status = PARKED
                delivery.next_attempt_at = following
            session.add(delivery)
            session.commit()
            log.info(
                "webhooks %s: %s (event %s, attempt %s): %s",
                delivery.subscription_id,
                delivery.status,
                delivery.event_id,
                delivery.attempts,
                result.status or result.error,
            )

    def _end(self, subscription_id: str) -> None:
        """410: nothing more goes there; the subscription is ended on the record too."""
        with Session(self.writes) as session:
            row = session.get(SubscriptionRow, subscription_id)
            if row is not None:
                row.status, row.ended_reason = "ended", "the receiver answered 410 Gone"
                session.add(row)
                _cancel(session, subscription_id)
                session.commit()
        log.warning("webhooks %s: the receiver answered 410 Gone: subscription ended", subscription_id)
        self.on_gone(subscription_id)

    def close(self) -> None:
        self.sender.close()
