"""The embedded runtime: one process, the SQLite log, every consumer of the registry in-process.

A command is decided and appended (`services.kernel.execute`); then every consumer catches
up with the log (accelerator/embedded/consumers.py). A command given again under the same id
is recognised by the events it caused and answered with its first outcome.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from accelerator.embedded.consumers import TrackedLoop
from accelerator.embedded.feeds import FeedTable
from accelerator.embedded.store import SqliteEventStore
from accelerator.embedded.tables import DeadLetterRow
from accelerator.progress import Advance, silent
from accelerator.queries import RebuildReport
from accelerator.runtime import Outcome
from accelerator.webhooks.queue import Queue
from events import CloudEvent, Event, parse
from services.consumers import CONSUMERS, Consumer, reactions
from services.deadletters import DeadLetter
from services.kernel import SYSTEM, Clock, Command, ConcurrencyConflict, Decider, Metadata, execute, today
from services.projector import read_model
from services.projector.views import ChallengeView, StartupView
from services.routing import decider_of
from services.scheduler.domain import WATCHED, due_commands

log = logging.getLogger(__name__)

ATTEMPTS = 5
SCHEDULER = f"{SYSTEM}:scheduler"


class EmbeddedRuntime:
    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        actor: str = "local",
        consumers: tuple[Consumer, ...] = CONSUMERS,
        webhook_retry: timedelta = timedelta(hours=24),
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.actor = actor
        self.store = SqliteEventStore(engine, clock)
        self.consumers = TrackedLoop(self, consumers, Queue(FeedTable(), webhook_retry))
        self._states: dict[str, tuple[int, Any]] = {}
        """The scheduler's folded states by stream, with the version they were folded at."""

    def handle(self, command: Command, actor: str | None = None, command_id: str | None = None) -> Outcome:
        """Run one command to completion: its events stored, every consumer caught up."""
        command_id = command_id or str(uuid.uuid4())
        earlier = self.store.caused_by([command_id])
        if not earlier:
            self.execute(command, Metadata(actor or self.actor, command_id))
            self.consumers.catch_up()
        recorded = earlier or self.store.caused_by([command_id])
        return Outcome(command_id, tuple(recorded), tuple(self._reactions(recorded)), repeated=bool(earlier))

    def catch_up(self) -> None:
        """Let every consumer catch up with the log (after a crash, or another process's writes)."""
        self.consumers.catch_up()

    def execute(self, command: Command, meta: Metadata) -> list[Event]:
        """Decide and append, deciding again on a fresh state if another writer came first."""
        decider = decider_of(command)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return execute(decider, command, self.store, self.clock, meta)
            except ConcurrencyConflict:
                if attempt == ATTEMPTS:
                    raise
                log.info("retrying %s after a concurrent write", type(command).__name__)
        raise AssertionError("unreachable")

    def _reactions(self, recorded: Sequence[CloudEvent]) -> list[CloudEvent]:
        """The events caused by the policies' commands in reaction to these (and so on)."""
        found: list[CloudEvent] = []
        causes = list(recorded)
        while causes:
            ids = [r.command_id for ce in causes for r in reactions(ce, parse(ce), self.consumers.registry)]
            causes = self.store.caused_by(ids)
            found += causes
        return found

    def tick(self) -> list[Event]:
        """Every command due today for the aggregates with deadlines, run as the scheduler.

        Each watched stream is folded again only when it grew since the last tick (one
        grouped query gives every stream's version): a programme's daily ticks then cost
        what changed, not the whole log."""
        versions = {watch.decider.prefix: self.store.versions(watch.decider.prefix) for watch in WATCHED}

        def read(decider: Decider[Any], aggregate_id: str) -> Any:
            stream, version = decider.stream(aggregate_id), versions[decider.prefix][aggregate_id]
            known = self._states.get(stream)
            if known is None or known[0] != version:
                known = self._states[stream] = (version, self._fold(decider, aggregate_id))
            return known[1]

        commands = due_commands(read, lambda decider: sorted(versions[decider.prefix]), today(self.clock))
        return [event for command in commands for event in self.handle(command, SCHEDULER).events]

    def _fold(self, decider: Decider[Any], aggregate_id: str) -> Any:
        try:
            return decider.fold(self.store.load(decider.stream(aggregate_id)))
        except ValueError as error:  # a stream this version cannot read has no deadlines here
            log.warning("scheduler: skipping %s: %s", decider.stream(aggregate_id), error)
            return decider.initial

    def startups(
        self,
        city: str | None = None,
        phase: str | None = None,
        challenge: str | None = None,
        limit: int | None = None,
        page: int = 1,
    ) -> list[StartupView]:
        with Session(self.engine) as session:
            return read_model.startups_page(session, city, phase, challenge, limit, page)

    def startup(self, startup_id: str) -> StartupView | None:
        with Session(self.engine) as session:
            return read_model.startup(session, startup_id)

    def find_startups(self, ref: str) -> list[str]:
        with Session(self.engine) as session:
            return read_model.find_startups(session, ref)

    def challenges(self) -> list[ChallengeView]:
        with Session(self.engine) as session:
            return read_model.challenges(session)

    def history(self, subject: str | None = None, until: datetime | None = None) -> list[CloudEvent]:
        return self.store.history(subject, until)

    def rebuild(self, repair: bool = False, advance: Advance = silent) -> RebuildReport:
        """Streaming, on the store file (accelerator/embedded/rebuild.py)."""
        from accelerator.embedded.rebuild import rebuild

        return rebuild(Path(self.engine.url.database or ""), repair, advance)

    def follow(self, families: Sequence[str], from_start: bool, poll: float) -> Iterator[CloudEvent | None]:
        position = 0 if from_start else self.store.head()
        while True:
            batch = self.store.read_after(position, 500, families)
            for position, ce in batch:  # noqa: B007 - the last one is where the next look starts
                yield ce
            if not batch:
                yield None
                time.sleep(poll)

    def dead_letters(self) -> list[DeadLetter]:
        with Session(self.engine) as session:
            rows = session.exec(select(DeadLetterRow).order_by(col(DeadLetterRow.id)))
            return [row.letter() for row in rows]

    def close(self) -> None:
        self.engine.dispose()
