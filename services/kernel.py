"""What every service's domain shares: commands, refusals, the clock, and aggregates as deciders.

A `Decider` is an aggregate as a value: the stream it lives in, its empty state, `evolve`
(one event onto the state) and `decide` (one command on the state: events, or `Rejected`).
`execute` is the only handler there is: load the command's stream, fold, decide, append.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Generic, NoReturn, Protocol, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from events.base import Event
from services.rules import RULES, ProgrammeRules

PROGRAMME_TZ = ZoneInfo("Europe/Brussels")

S = TypeVar("S")
T = TypeVar("T")


class Rejected(Exception):
    """A command refused by a rule; says which field broke which rule. Nothing is stored."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


class ConcurrencyConflict(Exception):
    """Another writer appended to the stream first; reload and decide again."""


class Command(BaseModel):
    """An imperative request to one aggregate. Strict: unknown fields are an error.

    Each command names the aggregate it writes (`aggregate_id`, also its Kafka key); the
    decider that lists it names the stream and the service.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    def aggregate_id(self) -> str:
        raise NotImplementedError(f"{type(self).__name__} must say which aggregate it writes")


class StartupCommand(Command):
    """A command about one startup: it writes that startup's stream of its decider."""

    startup_id: str

    def aggregate_id(self) -> str:
        return self.startup_id


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


SYSTEM = "system"
"""Actors that are not people: policies and the scheduler act as `system:<name>`."""


@dataclass(frozen=True)
class Context:
    """What a decision may know besides its own state: the day, the rules, who asks, and
    (read-only) the state of other aggregates and which aggregates of a kind exist."""

    today: date
    actor: str
    read: Callable[[Decider[Any], str], Any]
    rules: ProgrammeRules = RULES
    ids: Callable[[Decider[Any]], list[str]] = lambda _decider: []
    now: datetime | None = None
    """The moment of the decision, for facts that record it (an export's creation time)."""

    @property
    def by_system(self) -> bool:
        """The command comes from a policy or the scheduler, not from a person."""
        return is_system(self.actor)


def is_system(actor: str | None) -> bool:
    return (actor or "").startswith(f"{SYSTEM}:")


def same_actor(a: str | None, b: str | None) -> bool:
    """Two actors are one person when their names match, whatever the case or spacing."""
    if not a or not b:
        return False
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


@dataclass(frozen=True)
class Decider(Generic[S]):
    """An aggregate: its stream prefix, empty state, fold, decision, and the commands it takes."""

    prefix: str
    initial: S
    evolve: Callable[[S, Event], S]
    decide: Callable[[S, Any, Context], list[Event]]
    commands: tuple[type[Command], ...] = field(default=())

    def stream(self, aggregate_id: str) -> str:
        return f"{self.prefix}-{aggregate_id}"

    def fold(self, events: Iterable[Event]) -> S:
        state = self.initial
        for event in events:
            state = self.evolve(state, event)
        return state


@dataclass(frozen=True)
class Metadata:
    """What the envelope of each new event records besides the event: who, why, when."""

    actor: str
    causation: str | None = None
    time: datetime | None = None


class EventStore(Protocol):
    """The port every decision writes through (SQLite embedded, the Kafka replica elsewhere)."""

    def load(self, stream: str) -> list[Event]: ...

    def append(self, stream: str, expected_version: int, events: Sequence[Event], meta: Metadata) -> None: ...

    def aggregate_ids(self, prefix: str) -> list[str]:
        """The ids of every aggregate whose stream is `<prefix>-<id>`."""
        ...


def execute(
    decider: Decider[Any], command: Command, store: EventStore, clock: Clock, meta: Metadata
) -> list[Event]:
    """Load the command's aggregate, decide, append with the version it was decided on."""
    stream = decider.stream(command.aggregate_id())
    history = store.load(stream)

    def read(other: Decider[T], aggregate_id: str) -> T:
        return other.fold(store.load(other.stream(aggregate_id)))

    def ids(other: Decider[Any]) -> list[str]:
        return store.aggregate_ids(other.prefix)

    context = Context(today=today(clock), actor=meta.actor, read=read, ids=ids, now=meta.time or clock.now())
    events = decider.decide(decider.fold(history), command, context)
    if events:
        store.append(stream, len(history), events, meta)
    return events


class Unhandled(TypeError):
    def __init__(self, command: Command) -> None:
        super().__init__(f"type: no decider takes {type(command).__name__}")


def unhandled(command: Command) -> NoReturn:
    raise Unhandled(command)
