"""A service's copy of the event log, by stream, read from the event topics (read_committed).

Every event names its stream and version, so the copy ignores a redelivered event and only
ever shows a stream's unbroken prefix, whatever order the family topics arrive in. The
`Outbox` is the EventStore one command writes through: its events join the copy only once
their transaction has committed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from events import CloudEvent, Event, envelope, parse
from services.kernel import Clock, ConcurrencyConflict, Metadata


class Replica:
    def __init__(self) -> None:
        self._streams: dict[str, dict[int, Event]] = defaultdict(dict)
        self.by_cause: dict[str, list[CloudEvent]] = defaultdict(list)

    def add(self, ce: CloudEvent) -> bool:
        """Take one event in; False if it was already there."""
        if ce.stream is None or ce.streamversion is None:
            raise ValueError("stream: an event on an event topic must name its stream and version")
        versions = self._streams[ce.stream]
        if ce.streamversion in versions:
            return False
        versions[ce.streamversion] = parse(ce)
        if ce.causationid:
            self.by_cause[ce.causationid].append(ce)
        return True

    def load(self, stream: str) -> list[Event]:
        versions = self._streams.get(stream, {})
        history: list[Event] = []
        while (version := len(history) + 1) in versions:
            history.append(versions[version])
        return history

    def streams(self, prefix: str) -> list[str]:
        return sorted(s for s in self._streams if s.startswith(prefix))


class Outbox:
    """The EventStore of one command: reads the replica, keeps new events until commit."""

    def __init__(self, replica: Replica, clock: Clock, source: str) -> None:
        self.replica, self.clock, self.source = replica, clock, source
        self.pending: list[CloudEvent] = []

    def load(self, stream: str) -> list[Event]:
        mine = [parse(ce) for ce in self.pending if ce.stream == stream]
        return self.replica.load(stream) + mine

    def append(self, stream: str, expected_version: int, events: Sequence[Event], meta: Metadata) -> None:
        current = len(self.load(stream))
        if current != expected_version:
            raise ConcurrencyConflict(f"{stream} is at version {current}, not {expected_version}")
        for version, event in enumerate(events, start=expected_version + 1):
            self.pending.append(
                envelope(
                    event,
                    source=self.source,
                    time=meta.time or self.clock.now(),
                    stream=stream,
                    version=version,
                    causation=meta.causation,
                    actor=meta.actor,
                )
            )

    def aggregate_ids(self, prefix: str) -> list[str]:
        """The ids of every aggregate `<prefix>-<id>`, its own new streams included."""
        names = {*self.replica.streams(f"{prefix}-"), *(ce.stream or "" for ce in self.pending)}
        return sorted(n.removeprefix(f"{prefix}-") for n in names if n.startswith(f"{prefix}-"))

    def commit(self) -> None:
        for ce in self.pending:
            self.replica.add(ce)
