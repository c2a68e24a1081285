"""What every service's domain shares: refusals, the clock, aggregates as folds of events."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Generic, Protocol, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from events.base import Event

PROGRAMME_TZ = ZoneInfo("Europe/Brussels")

S = TypeVar("S")


class Rejected(Exception):
    """A command refused by a rule; says which field broke which rule. Nothing is stored."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


class Command(BaseModel):
    """An imperative request to one service. Strict: unknown fields are an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class VirtualClock:
    """A clock that only moves when told to: six months of a programme in seconds."""

    def __init__(self, start: datetime) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now

    def set(self, moment: datetime) -> None:
        if moment < self._now:
            raise ValueError("a virtual clock never goes back")
        self._now = moment


def today(clock: Clock) -> date:
    """The programme's calendar day (Brussels time) at this moment."""
    return clock.now().astimezone(PROGRAMME_TZ).date()


@dataclass(frozen=True)
class Aggregate(Generic[S]):
    """A stream family: its name prefix, empty state, and the fold that applies one event."""

    prefix: str
    initial: S
    evolve: Callable[[S, Event], S]

    def stream(self, aggregate_id: str) -> str:
        return f"{self.prefix}-{aggregate_id}"

    def fold(self, events: Iterable[Event]) -> S:
        state = self.initial
        for event in events:
            state = self.evolve(state, event)
        return state


class EventStore(Protocol):
    """The port every handler writes through (SQLite embedded, Kafka-backed elsewhere)."""

    def load(self, stream: str) -> list[Event]: ...

    def append(self, stream: str, expected_version: int, events: Sequence[Event]) -> None: ...


class UnitOfWork:
    """What a handler gets: the store and the clock, plus `load`/`save` for aggregates."""

    def __init__(self, store: EventStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.recorded: list[Event] = []

    def today(self) -> date:
        return today(self.clock)

    def load(self, aggregate: Aggregate[S], aggregate_id: str) -> tuple[S, int]:
        history = self.store.load(aggregate.stream(aggregate_id))
        return aggregate.fold(history), len(history)

    def save(
        self, aggregate: Aggregate[S], aggregate_id: str, version: int, events: Sequence[Event]
    ) -> list[Event]:
        if events:
            self.store.append(aggregate.stream(aggregate_id), version, events)
            self.recorded.extend(events)
        return list(events)
