"""Hand-written fakes for unit tests of pure code, and a given/when/then helper."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time

from events.base import Event
from services.kernel import PROGRAMME_TZ, Command, ConcurrencyConflict, Metadata, VirtualClock, execute
from services.routing import decider_of


class InMemoryStore:
    def __init__(self) -> None:
        self.streams: dict[str, list[Event]] = defaultdict(list)

    def load(self, stream: str) -> list[Event]:
        return list(self.streams[stream])

    def append(self, stream: str, expected_version: int, events: Sequence[Event], meta: Metadata) -> None:
        if len(self.streams[stream]) != expected_version:
            raise ConcurrencyConflict(stream)
        self.streams[stream].extend(events)

    def aggregate_ids(self, prefix: str) -> list[str]:
        found = (s for s, events in self.streams.items() if events and s.startswith(f"{prefix}-"))
        return sorted(s.removeprefix(f"{prefix}-") for s in found)


def at(day: date) -> datetime:
    return datetime.combine(day, time(10), PROGRAMME_TZ)


class Spec:
    """Given past events on streams, when a command, then exactly these events (or a refusal)."""

    def __init__(self, today: date = date(2027, 1, 20)) -> None:
        self.store = InMemoryStore()
        self.clock = VirtualClock(at(today))

    def given(self, stream: str, *events: Event) -> Spec:
        self.store.streams[stream].extend(events)
        return self

    def on(self, day: date) -> Spec:
        self.clock.set(at(day))
        return self

    def when(self, command: Command, actor: str = "An Peeters") -> list[Event]:
        return execute(decider_of(command), command, self.store, self.clock, Metadata(actor))

    def stored(self) -> dict[str, list[Event]]:
        return {k: list(v) for k, v in self.store.streams.items() if v}
