"""A fast in-memory event store for generating histories through the real domain.

`Recorder` implements the kernel's `EventStore` port: `services.kernel.execute` loads,
folds, decides and appends through it exactly as through the SQLite log, and every append
is enveloped as `SqliteEventStore.append` does (same ids, stream versions, causation, actor,
JSON). The rows wait in `pending` for a bulk writer to take them. Streams of finished
rounds can be `forget`-ten, so a decade of history never sits in memory at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from events import CloudEvent, Event, envelope
from services.consumers import CONSUMERS, Consumer, Policy, reactions
from services.kernel import Clock, Command, ConcurrencyConflict, Metadata, execute
from services.routing import decider_of

SOURCE = "accelerator/embedded"


@dataclass(frozen=True)
class Row:
    """One event as the embedded log stores it (`event_log`'s columns)."""

    position: int
    id: str
    stream: str
    version: int
    type: str
    family: str
    subject: str
    time: str
    causation: str | None
    envelope: str

    @classmethod
    def of(cls, position: int, ce: CloudEvent) -> Row:
        return cls(
            position,
            ce.id,
            ce.stream or "",
            ce.streamversion or 0,
            ce.type,
            ce.family,
            ce.subject,
            _sql_time(ce),
            ce.causationid,
            ce.to_json(),
        )


def _sql_time(ce: CloudEvent) -> str:
    """The `time` column as the store writes it: UTC, naive, to the microsecond."""
    return ce.time.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


class Forgotten(KeyError):
    """A stream of a round that was already written out and dropped was asked for."""


class Recorder:
    """The `EventStore` port in memory; envelopes what it appends, for the bulk writer."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.streams: dict[str, list[Event]] = {}
        self.forgotten: set[str] = set()
        self.pending: list[tuple[Row, Event]] = []
        self.head = 0

    def load(self, stream: str) -> list[Event]:
        if stream in self.forgotten:
            raise Forgotten(stream)
        return list(self.streams.get(stream, ()))

    def aggregate_ids(self, prefix: str) -> list[str]:
        found = (s for s, events in self.streams.items() if events and s.startswith(f"{prefix}-"))
        return sorted(s.removeprefix(f"{prefix}-") for s in found)

    def append(self, stream: str, expected_version: int, events: Sequence[Event], meta: Metadata) -> None:
        held = self.streams.setdefault(stream, [])
        if len(held) != expected_version:
            raise ConcurrencyConflict(f"{stream} is at version {len(held)}, not {expected_version}")
        now = meta.time or self.clock.now()
        for version, event in enumerate(events, start=expected_version + 1):
            ce = envelope(
                event,
                source=SOURCE,
                time=now,
                stream=stream,
                version=version,
                causation=meta.causation,
                actor=meta.actor,
            )
            self.head += 1
            self.pending.append((Row.of(self.head, ce), event))
        held.extend(events)

    def forget(self, streams: Sequence[str]) -> None:
        for stream in streams:
            self.streams.pop(stream, None)
            self.forgotten.add(stream)

    def take(self) -> list[tuple[Row, Event]]:
        taken, self.pending = self.pending, []
        return taken


class Runner:
    """Runs commands as the embedded runtime does: decide and append, then every policy of
    the registry reacts to the new events (with the ids the runtime would give them)."""

    def __init__(self, store: Recorder, clock: Clock, registry: tuple[Consumer, ...] = CONSUMERS) -> None:
        self.store, self.clock = store, clock
        self.policies = tuple(c for c in registry if isinstance(c.handler, Policy))

    def handle(self, command: Command, actor: str, command_id: str) -> list[Event]:
        """The command's own events; a refusal raises `Rejected` and records nothing."""
        start = len(self.store.pending)
        events = execute(decider_of(command), command, self.store, self.clock, Metadata(actor, command_id))
        self._react(start)
        return events

    def _react(self, start: int) -> None:
        done = start
        while done < len(self.store.pending):
            row, event = self.store.pending[done]
            done += 1
            ce: Any = _Cause(row)
            for reaction in reactions(ce, event, self.policies):
                execute(
                    decider_of(reaction.command),
                    reaction.command,
                    self.store,
                    self.clock,
                    Metadata(reaction.actor, reaction.command_id),
                )


@dataclass(frozen=True)
class _Cause:
    """What `reactions` reads of an event's envelope: its id and type."""

    row: Row

    @property
    def id(self) -> str:
        return self.row.id

    @property
    def type(self) -> str:
        return self.row.type
