"""A consortium's years on a virtual clock: an agenda of commands, day by day, with the
scheduler's daily tick, run through the real deciders (`services.kernel.execute`).

Commands go through `memory.Runner` (decide, append, policies react) against the in-memory
`Recorder`; refusals are counted, not recorded, as on the runtimes. The daily tick asks
`services.scheduler.domain.due_commands` about the aggregates that can still have deadlines
(scheduled or open calls, startups in the accelerator) — the same commands the embedded
runtime's tick finds among all streams, since the others have none.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from accelerator.bench.memory import Recorder, Runner
from accelerator.bench.people import People
from events.base import Event
from services.intake.domain import CHALLENGE, CallStatus
from services.kernel import PROGRAMME_TZ, SYSTEM, Command, Decider, Rejected, VirtualClock
from services.participation.domain import PARTICIPATION, Status
from services.scheduler.domain import due_commands

Action = Callable[[], object]
SCHEDULER = f"{SYSTEM}:scheduler"
FIRST_DAY = date(2027, 1, 4)


class Simulation:
    """Runs the agenda until the log holds `target` events (whole commands, reactions too)."""

    def __init__(self, seed: int, target: int) -> None:
        self.rng = random.Random(seed)
        self.people = People(self.rng)
        self.target = target
        self.today = FIRST_DAY
        self.clock = VirtualClock(datetime.combine(FIRST_DAY, time(8), PROGRAMME_TZ))
        self.store = Recorder(self.clock)
        self.runner = Runner(self.store, self.clock)
        self.agenda: dict[date, list[Action]] = defaultdict(list)
        self.watched: dict[str, set[str]] = {CHALLENGE.prefix: set(), PARTICIPATION.prefix: set()}
        self.states: dict[str, tuple[int, Any]] = {}
        self.hardware: dict[str, list[str]] = {}
        """Each city's kits that are not on loan."""
        self.commands = self.refusals = 0

    @property
    def done(self) -> bool:
        return self.store.head >= self.target

    def on(self, day: date, action: Action) -> None:
        self.agenda[max(day, self.today)].append(action)

    def do(self, command: Command, actor: str) -> list[Event] | None:
        """Run one command at the next moment of the day; None if it was refused (or the
        history is long enough: the rest of an action is then left undone)."""
        if self.done:
            return None
        self.clock.advance(seconds=self.rng.randint(1, 12))
        self.commands += 1
        try:
            return self.runner.handle(
                command, actor, str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
            )
        except Rejected:
            self.refusals += 1
            return None

    def refuse(self, command: Command, actor: str) -> None:
        """A command the domain must refuse (it records nothing)."""
        if not self.done and self.do(command, actor) is not None:
            raise AssertionError(f"the history expected a refusal of {type(command).__name__}")

    def read(self, decider: Decider[Any], aggregate_id: str) -> Any:
        """An aggregate's state, folded again only when its stream grew."""
        stream = decider.stream(aggregate_id)
        events = self.store.streams.get(stream, [])
        cached = self.states.get(stream)
        if cached is None or cached[0] != len(events):
            cached = self.states[stream] = (len(events), decider.fold(events))
        return cached[1]

    def watch(self, decider: Decider[Any], aggregate_id: str) -> None:
        self.watched[decider.prefix].add(aggregate_id)

    def forget(self, streams: list[str]) -> None:
        self.store.forget(streams)
        for stream in streams:
            self.states.pop(stream, None)

    def run_day(self) -> None:
        """The scheduler's tick at eight, then the day's agenda; the next day begins."""
        morning = datetime.combine(self.today, time(8), PROGRAMME_TZ)
        if morning > self.clock.now():  # else: a busy yesterday ran late, or today goes on
            self.clock.set(morning)
            self._tick()
        actions = self.agenda.pop(self.today, [])
        while actions and not self.done:
            actions.pop(0)()
            actions += self.agenda.pop(self.today, [])  # what today's actions planned for today
        if self.done:  # the rest of the day waits, should the history go on
            self.agenda[self.today] = actions + self.agenda.pop(self.today, [])
            return
        self.today += timedelta(days=1)

    def _tick(self) -> None:
        candidates = {prefix: sorted(ids) for prefix, ids in self.watched.items()}
        for command in due_commands(self.read, lambda d: candidates[d.prefix], self.today):
            self.do(command, SCHEDULER)
        self.watched[CHALLENGE.prefix] = {
            c for c in candidates[CHALLENGE.prefix] if self.read(CHALLENGE, c).status is not CallStatus.CLOSED
        }
        self.watched[PARTICIPATION.prefix] = {
            s for s in candidates[PARTICIPATION.prefix] if self.read(PARTICIPATION, s).status is Status.ACTIVE
        }
