"""The embedded runtime: one process, the SQLite log, in-process policies and projector.

After each command it catches every consumer up with the log. Each consumer keeps its
position in the `tracking` table; the projector writes its views and its position in one
transaction (each event applied once); policies issue idempotent commands, so replaying an
event after a crash changes nothing. What a consumer cannot process goes to `deadletter`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from accelerator.embedded.store import ConcurrencyConflict, DeadLetter, SqliteEventStore
from accelerator.routing import HANDLERS, POLICIES
from events import CloudEvent, Event, parse
from services.kernel import Clock, Command, Rejected, UnitOfWork
from services.projector import read_model
from services.projector.views import ChallengeView, Projection, StartupView
from services.scheduler.handlers import due_commands

log = logging.getLogger(__name__)

POLICY_CONSUMER = "policies"
PROJECTOR = "projector"
BATCH = 1000
ATTEMPTS = 5


class EmbeddedRuntime:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock
        self.store = SqliteEventStore(engine, clock)
        self.followed_by: list[CloudEvent] = []

    def handle(self, command: Command) -> list[Event]:
        """Run one command to completion: its events are stored, policies and views caught up."""
        head = self.store.head()
        events = self._execute(command)
        self.catch_up()
        self.followed_by = [ce for _, ce in self.store.read_after(head)][len(events) :]
        return events

    def tick(self) -> list[Event]:
        live_challenges = [c.challenge_id for c in self.challenges() if c.status != "closed"]
        active = [s.startup_id for s in self.startups() if s.phase == "in accelerator"]
        commands = due_commands(UnitOfWork(self.store, self.clock), live_challenges, active)
        return [event for command in commands for event in self.handle(command)]

    def startups(self, city: str | None = None) -> list[StartupView]:
        with Session(self.engine) as session:
            return read_model.startups(session, city)

    def challenges(self) -> list[ChallengeView]:
        with Session(self.engine) as session:
            return read_model.challenges(session)

    def history(self, subject: str | None = None, until: datetime | None = None) -> list[CloudEvent]:
        return self.store.history(subject, until)

    def replay(self) -> Projection:
        projection = Projection()
        for ce in self.store.history():
            projection.apply(parse(ce), ce.time)
        return projection

    def follow(self, families: Sequence[str], from_start: bool, poll: float) -> Iterator[CloudEvent | None]:
        position = 0 if from_start else self.store.head()
        while True:
            batch = self.store.read_after(position, 500, families)
            for position, ce in batch:  # noqa: B007 - the last one is where the next look starts
                yield ce
            if not batch:
                yield None
                time.sleep(poll)

    def close(self) -> None:
        self.engine.dispose()

    def _execute(self, command: Command) -> list[Event]:
        handler = HANDLERS[type(command)]
        for attempt in range(1, ATTEMPTS + 1):
            uow = UnitOfWork(self.store, self.clock)
            try:
                return handler(command, uow)
            except ConcurrencyConflict:
                if attempt == ATTEMPTS:
                    raise
                log.info("retrying %s after a concurrent write", type(command).__name__)
        raise AssertionError("unreachable")

    def catch_up(self) -> None:
        while self._run_policies() | self._project():
            pass

    def _run_policies(self) -> bool:
        with Session(self.engine) as session:
            start = read_model.position(session, POLICY_CONSUMER)
        batch = self.store.read_after(start, BATCH)
        for position, ce in batch:
            event = self._parse(POLICY_CONSUMER, position, ce)
            for react in POLICIES if event else ():
                for command in react(event):  # type: ignore[arg-type]
                    self._react(command, position, ce)
            with Session(self.engine) as session:
                read_model.advance(session, POLICY_CONSUMER, position)
                session.commit()
        return bool(batch)

    def _react(self, command: Command, position: int, ce: CloudEvent) -> None:
        try:
            self._execute(command)
        except Rejected as refusal:
            self._dead_letter(POLICY_CONSUMER, position, ce, f"{type(command).__name__}: {refusal}")

    def _project(self) -> bool:
        with Session(self.engine) as session:
            start = read_model.position(session, PROJECTOR)
            batch = self.store.read_after(start, BATCH)
            if not batch:
                return False
            projection = Projection(
                lambda startup_id: _view(session.get(read_model.StartupRow, startup_id)),
                lambda challenge_id: _view(session.get(read_model.ChallengeRow, challenge_id)),
            )
            for position, ce in batch:
                event = self._parse(PROJECTOR, position, ce)
                if event is not None:
                    projection.apply(event, ce.time)
            read_model.save_startups(session, projection.startups.values())
            read_model.save_challenges(session, projection.challenges.values())
            read_model.advance(session, PROJECTOR, batch[-1][0])
            session.commit()
        return True

    def _parse(self, consumer: str, position: int, ce: CloudEvent) -> Event | None:
        try:
            return parse(ce)
        except ValueError as error:  # pydantic's ValidationError is a ValueError
            self._dead_letter(consumer, position, ce, f"unreadable event: {error}")
            return None

    def _dead_letter(self, consumer: str, position: int, ce: CloudEvent, reason: str) -> None:
        log.warning("dead letter from %s at %s: %s", consumer, position, reason)
        with Session(self.engine) as session:
            session.add(DeadLetter(consumer=consumer, position=position, reason=reason, payload=ce.to_json()))
            session.commit()


def _view(row: read_model.StartupRow | read_model.ChallengeRow | None) -> Any:
    return row.to_view() if row else None
