"""One tracked loop runs every consumer of the registry on the embedded runtime.

Each consumer reads the log after its position (only the event types it declared) and the
loop applies what its handler asks, then moves the position on:

- a projection's views and its position are written in one transaction that holds the write
  lock from before it reads its position, so of two processes catching up at once exactly
  one applies a batch, once;
- a feed's publications likewise;
- deliveries queue each feed entry for the webhooks that want it, with the position, in one
  transaction likewise (never ahead of the feed they deliver); a dispatcher sends them
  (`accelerator cities deliver`, accelerator/webhooks);
- a policy's commands are run (each recognised by its id if it was run before), then the
  position moves on; a crash in between repeats nothing.

What a consumer cannot read or do goes to the `deadletter` table with the reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from accelerator.embedded.files import writer
from accelerator.embedded.tables import DeadLetterRow, FeedRow
from accelerator.webhooks.queue import Queue
from events import CloudEvent, Event, parse
from services.consumers import Consumer, Deliveries, Feed, Policy, Projection, reactions
from services.kernel import Command, Metadata, Rejected
from services.projector import read_model
from services.projector.views import Projection as Views

if TYPE_CHECKING:
    from accelerator.embedded.runtime import EmbeddedRuntime

log = logging.getLogger(__name__)
BATCH = 1000
Batch = Sequence[tuple[int, CloudEvent]]


class TrackedLoop:
    def __init__(self, runtime: EmbeddedRuntime, registry: tuple[Consumer, ...], queue: Queue) -> None:
        self.runtime, self.registry, self.queue = runtime, registry, queue
        self.engine, self.store = runtime.engine, runtime.store

    def catch_up(self) -> None:
        """Until no consumer has anything left to do (policies' commands make new events)."""
        while [consumer for consumer in self.registry if self.step(consumer)]:
            pass

    def step(self, consumer: Consumer) -> bool:
        """One batch for one consumer; False when it had nothing to do."""
        if self.position(consumer.name) >= self.store.head():
            return False  # caught up: no lock taken, nothing written
        run: Callable[[Consumer], bool] = {
            Policy: self._react,
            Projection: self._project,
            Feed: self._publish,
            Deliveries: self._deliver,
        }[type(consumer.handler)]
        return run(consumer)

    def position(self, consumer: str) -> int:
        with self.engine.connect() as connection:
            return _position(connection, consumer)

    def _project(self, consumer: Consumer) -> bool:
        with Session(writer(self.engine)) as session:
            upto, batch = self._batch(session, consumer)
            views = Views(
                lambda startup_id: _view(session.get(read_model.StartupRow, startup_id)),
                lambda challenge_id: _view(session.get(read_model.ChallengeRow, challenge_id)),
            )
            for position, ce in batch:
                if (event := self._parse(consumer, position, ce, session)) is not None:
                    views.apply(event, ce.time)
            read_model.save_startups(session, views.startups.values())
            read_model.save_challenges(session, views.challenges.values())
            _move(session, consumer.name, upto)
            session.commit()
        return bool(batch)

    def _publish(self, consumer: Consumer) -> bool:
        assert isinstance(consumer.handler, Feed)
        with Session(writer(self.engine)) as session:
            upto, batch = self._batch(session, consumer)
            for position, ce in batch:
                for channel, published in consumer.handler.publish(ce):
                    session.merge(FeedRow(position=position, channel=channel, envelope=published.to_json()))
            _move(session, consumer.name, upto)
            session.commit()
        return bool(batch)

    def _deliver(self, consumer: Consumer) -> bool:
        """Subscription events (from the log) and the feed's entries (from the `feed` table) in
        the order of their positions, up to where the feed has got."""
        assert isinstance(consumer.handler, Deliveries)
        with Session(writer(self.engine)) as session:
            start = _position(session.connection(), consumer.name)
            upto = min(start + BATCH, _position(session.connection(), consumer.handler.feed))
            if upto <= start:
                return False
            _, events = self._read(start, consumer)
            work: list[tuple[int, str | None, CloudEvent]] = [(p, None, ce) for p, ce in events if p <= upto]
            rows = session.exec(
                select(FeedRow)
                .where(col(FeedRow.position) > start, col(FeedRow.position) <= upto)
                .where(col(FeedRow.channel).startswith("city:"))
            )
            work += [(row.position, row.channel, CloudEvent.from_json(row.envelope)) for row in rows]
            for position, channel, ce in sorted(work, key=lambda item: (item[0], item[1] or "")):
                if channel is None:
                    self.queue.subscription_event(session, ce)
                else:
                    self.queue.feed_event(session, position, channel, ce)
            _move(session, consumer.name, upto)
            session.commit()
        return True

    def _react(self, consumer: Consumer) -> bool:
        upto, batch = self._read(self.position(consumer.name), consumer)
        for position, ce in batch:
            event = self._parse(consumer, position, ce)
            for reaction in reactions(ce, event, (consumer,)) if event else ():
                self._run(consumer, position, reaction.command, reaction.command_id, ce)
        with Session(writer(self.engine)) as session:
            _move(session, consumer.name, upto)
            session.commit()
        return bool(batch)

    def _batch(self, session: Session, consumer: Consumer) -> tuple[int, Batch]:
        """The next events for this consumer, read after its position as this transaction sees
        it: the write lock is held, so no other process takes the same batch."""
        return self._read(_position(session.connection(), consumer.name), consumer)

    def _read(self, start: int, consumer: Consumer) -> tuple[int, Batch]:
        """The next events of the types it reads, and how far that read went in the log
        (to the head when the events after the last of them are of other types)."""
        head = self.store.head()
        types = sorted(consumer.types) if consumer.types is not None else ()
        batch = self.store.read_after(start, BATCH, types=types)
        last = batch[-1][0] if batch else start
        return (last if len(batch) == BATCH else max(head, last)), batch

    def _run(
        self, consumer: Consumer, position: int, command: Command, command_id: str, ce: CloudEvent
    ) -> None:
        if self.store.caused_by([command_id]):
            return  # done before a crash, or by another process reacting to the same event
        try:
            self.runtime.execute(command, Metadata(consumer.actor, command_id))
        except Rejected as refusal:
            self._dead_letter(consumer, position, ce, f"{type(command).__name__}: {refusal}")

    def _parse(
        self, consumer: Consumer, position: int, ce: CloudEvent, session: Session | None = None
    ) -> Event | None:
        try:
            return parse(ce)
        except ValueError as error:  # pydantic's ValidationError is a ValueError
            self._dead_letter(consumer, position, ce, f"unreadable event: {error}", session)
            return None

    def _dead_letter(
        self, consumer: Consumer, position: int, ce: CloudEvent, why: str, session: Session | None = None
    ) -> None:
        log.warning("dead letter from %s at %s: %s", consumer.name, position, why)
        row = DeadLetterRow(consumer=consumer.name, position=position, reason=why, payload=ce.to_json())
        if session is not None:
            session.add(row)
            return
        with Session(self.engine) as own:
            own.add(row)
            own.commit()

    def replace_views(self, fresh: Views) -> None:
        with Session(writer(self.engine)) as session:
            session.exec(read_model.StartupRow.__table__.delete())  # type: ignore[attr-defined]
            session.exec(read_model.ChallengeRow.__table__.delete())  # type: ignore[attr-defined]
            read_model.save_startups(session, fresh.startups.values())
            read_model.save_challenges(session, fresh.challenges.values())
            session.commit()


def _position(connection: Any, consumer: str) -> int:
    found = connection.execute(text("SELECT position FROM tracking WHERE consumer = :c"), {"c": consumer})
    return int(found.scalar() or 0)


def _move(session: Session, consumer: str, to: int) -> None:
    """Move the position on, never back (two processes' policies may both have got this far)."""
    connection = session.connection()
    connection.execute(
        text("INSERT OR IGNORE INTO tracking (consumer, position) VALUES (:c, 0)"), {"c": consumer}
    )
    connection.execute(
        text("UPDATE tracking SET position = MAX(position, :to) WHERE consumer = :c"),
        {"c": consumer, "to": to},
    )


def _view(row: read_model.StartupRow | read_model.ChallengeRow | None) -> Any:
    return row.to_view() if row else None
