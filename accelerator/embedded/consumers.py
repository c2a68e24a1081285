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
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import text
from sqlmodel import Session, col, select

from accelerator.embedded.files import writer
from accelerator.embedded.tables import DeadLetterRow, FeedRow
from accelerator.webhooks.queue import Queue
from events import CloudEvent, Event, parse
from events.programme import ChallengeEvent
from events.reader import read
from services.consumers import Consumer, Deliveries, Feed, Policy, Projection, reactions
from services.kernel import Command, Metadata, Rejected
from services.projector import read_model
from services.projector.views import Projection as Views

if TYPE_CHECKING:
    from accelerator.embedded.runtime import EmbeddedRuntime

log = logging.getLogger(__name__)
BATCH = 1000
Batch = Sequence[tuple[int, CloudEvent]]
T = TypeVar("T")
Reader = Callable[[int, int, Sequence[str], Sequence[str]], list[tuple[int, T]]]
HEADS = text("SELECT NULL, MAX(position) FROM event_log UNION ALL SELECT consumer, position FROM tracking")
MOVE = text(
    "INSERT INTO tracking (consumer, position) VALUES (:c, :to) "
    "ON CONFLICT (consumer) DO UPDATE SET position = MAX(position, excluded.position)"
)
PUBLISH = "INSERT OR REPLACE INTO feed (position, channel, envelope) VALUES (:position, :channel, :envelope)"


class TrackedLoop:
    def __init__(self, runtime: EmbeddedRuntime, registry: tuple[Consumer, ...], queue: Queue) -> None:
        self.runtime, self.registry, self.queue = runtime, registry, queue
        self.engine, self.store = runtime.engine, runtime.store

    def catch_up(self) -> None:
        """Until no consumer has anything left to do (policies' commands make new events).
        Each round asks once where the log ends and where every consumer is."""
        while True:
            head, positions = self.heads()
            behind = [c for c in self.registry if positions.get(c.name, 0) < head]
            idle = self._idle(behind, positions, head)
            if idle:
                self._skip(idle, head)
            if not [consumer for consumer in behind if consumer not in idle and self._step(consumer, head)]:
                return

    def _idle(self, behind: list[Consumer], positions: dict[str, int], head: int) -> list[Consumer]:
        """The consumers that read none of the types of the few new events (a policy, after
        most commands): their positions move on together, without a batch each."""
        # Deliveries read the feed's table too: they never skip ahead with the log.
        choosy = [c for c in behind if c.types is not None and not isinstance(c.handler, Deliveries)]
        start = min((positions.get(c.name, 0) for c in choosy), default=head)
        if not choosy or head - start > BATCH:
            return []
        new = self.store.types_after(start, head)
        return [
            c
            for c in choosy
            if not any(
                kind in (c.types or ()) for position, kind in new if position > positions.get(c.name, 0)
            )
        ]

    def _skip(self, idle: list[Consumer], head: int) -> None:
        with Session(writer(self.engine)) as session:
            for consumer in idle:
                _move(session, consumer.name, head)
            session.commit()

    def step(self, consumer: Consumer) -> bool:
        """One batch for one consumer; False when it had nothing to do."""
        head = self.store.head()
        if self.position(consumer.name) >= head:
            return False  # caught up: no lock taken, nothing written
        return self._step(consumer, head)

    def _step(self, consumer: Consumer, head: int) -> bool:
        run: Callable[[Consumer, int], bool] = {
            Policy: self._react,
            Projection: self._project,
            Feed: self._publish,
            Deliveries: self._deliver,
        }[type(consumer.handler)]
        return run(consumer, head)

    def position(self, consumer: str) -> int:
        with self.engine.connect() as connection:
            return _position(connection, consumer)

    def positions(self) -> dict[str, int]:
        return self.heads()[1]

    def heads(self) -> tuple[int, dict[str, int]]:
        """Where the log ends, and where each consumer is: one query."""
        with self.engine.connect() as connection:
            rows = connection.execute(HEADS).all()
        return next((p for c, p in rows if c is None), 0) or 0, {c: p for c, p in rows if c is not None}

    def _project(self, consumer: Consumer, head: int) -> bool:
        """A batch of events folded into the views it touches, loaded and written at once."""
        with Session(writer(self.engine)) as session:
            start = _position(session.connection(), consumer.name)
            upto, batch = self._read(start, consumer, self.store.raw_after, head)
            events = [
                found for position, raw in batch if (found := self._event(consumer, position, raw, session))
            ]
            challenged = sorted({e.subject for e, _time in events if isinstance(e, ChallengeEvent)})
            others = sorted({e.subject for e, _time in events if not isinstance(e, ChallengeEvent)})
            startups = read_model.startups_by_id(session, others)  # each view the batch touches, at once
            challenges = read_model.challenges_by_id(session, challenged) if challenged else {}
            views = Views(startups.get, challenges.get)
            for event, time in events:
                views.apply(event, time)
            read_model.save_startups(session, views.startups.values())
            read_model.save_challenges(session, views.challenges.values())
            _move(session, consumer.name, upto)
            session.commit()
        return bool(batch)

    def _publish(self, consumer: Consumer, head: int) -> bool:
        assert isinstance(consumer.handler, Feed)
        with Session(writer(self.engine)) as session:
            upto, batch = self._batch(session, consumer, head)
            rows = [
                {"position": position, "channel": channel, "envelope": published.to_json()}
                for position, ce in batch
                for channel, published in consumer.handler.publish(ce)
            ]
            if rows:
                session.connection().execute(text(PUBLISH), rows)
            _move(session, consumer.name, upto)
            session.commit()
        return bool(batch)

    def _deliver(self, consumer: Consumer, head: int) -> bool:
        """Subscription events (from the log) and the feed's entries (from the `feed` table) in
        the order of their positions, up to where the feed has got."""
        assert isinstance(consumer.handler, Deliveries)
        with Session(writer(self.engine)) as session:
            start = _position(session.connection(), consumer.name)
            upto = min(start + BATCH, _position(session.connection(), consumer.handler.feed))
            if upto <= start:
                return False
            _, events = self._read(start, consumer, self.store.read_after, head)
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

    def _react(self, consumer: Consumer, head: int) -> bool:
        upto, batch = self._read(self.position(consumer.name), consumer, self.store.read_after, head)
        for position, ce in batch:
            event = self._parse(consumer, position, ce)
            for reaction in reactions(ce, event, (consumer,)) if event else ():
                self._run(consumer, position, reaction.command, reaction.command_id, ce)
        with Session(writer(self.engine)) as session:
            _move(session, consumer.name, upto)
            session.commit()
        return bool(batch)

    def _batch(self, session: Session, consumer: Consumer, head: int) -> tuple[int, Batch]:
        """The next events for this consumer, read after its position as this transaction sees
        it: the write lock is held, so no other process takes the same batch."""
        return self._read(
            _position(session.connection(), consumer.name), consumer, self.store.read_after, head
        )

    def _read(
        self, start: int, consumer: Consumer, reader: Reader[T], head: int
    ) -> tuple[int, list[tuple[int, T]]]:
        """The next events of the types it reads (as `reader` gives them: envelopes, or raw
        JSON), and how far that read went in the log (to the head when the events after the
        last of them are of other types)."""
        types = sorted(consumer.types) if consumer.types is not None else ()
        batch = reader(start, BATCH, (), types)
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
            self._dead_letter(consumer, position, ce.to_json(), f"{type(command).__name__}: {refusal}")

    def _event(
        self, consumer: Consumer, position: int, raw: str, session: Session
    ) -> tuple[Event, datetime] | None:
        """The event stored at this position and its time, or None: a dead letter."""
        try:
            return read(raw)
        except ValueError as error:  # pydantic's ValidationError is a ValueError
            self._dead_letter(consumer, position, raw, f"unreadable event: {error}", session)
            return None

    def _parse(
        self, consumer: Consumer, position: int, ce: CloudEvent, session: Session | None = None
    ) -> Event | None:
        try:
            return parse(ce)
        except ValueError as error:  # pydantic's ValidationError is a ValueError
            self._dead_letter(consumer, position, ce.to_json(), f"unreadable event: {error}", session)
            return None

    def _dead_letter(
        self, consumer: Consumer, position: int, payload: str, why: str, session: Session | None = None
    ) -> None:
        log.warning("dead letter from %s at %s: %s", consumer.name, position, why)
        row = DeadLetterRow(consumer=consumer.name, position=position, reason=why, payload=payload)
        if session is not None:
            session.add(row)
            return
        with Session(self.engine) as own:
            own.add(row)
            own.commit()


def _position(connection: Any, consumer: str) -> int:
    found = connection.execute(text("SELECT position FROM tracking WHERE consumer = :c"), {"c": consumer})
    return int(found.scalar() or 0)


def _move(session: Session, consumer: str, to: int) -> None:
    """Move the position on, never back (two processes' policies may both have got this far)."""
    session.connection().execute(MOVE, {"c": consumer, "to": to})
