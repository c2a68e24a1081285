"""What the web app reads, from either runtime: the read model and the log.

The embedded runtime answers from its SQLite file directly (one row by its key, events of
some types); any other runtime through the `Runtime` protocol (on Kafka: the PostgreSQL read
model once the projector has caught up, the event topics for history).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from accelerator.embedded.runtime import EmbeddedRuntime
from accelerator.runtime import Runtime
from events import CloudEvent, Event
from services.projector import read_model
from services.projector.views import ChallengeView, StartupView

PAGE = 1000


class Reader:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.embedded = runtime if isinstance(runtime, EmbeddedRuntime) else None

    def startups(self, city: str | None = None) -> list[StartupView]:
        return self.runtime.startups(city)

    def startup(self, startup_id: str) -> StartupView | None:
        if self.embedded is not None:
            with Session(self.embedded.engine) as session:
                row = session.get(read_model.StartupRow, startup_id)
                return row.to_view() if row else None
        return next((v for v in self.runtime.startups() if v.startup_id == startup_id), None)

    def challenges(self) -> list[ChallengeView]:
        return self.runtime.challenges()

    def challenge(self, challenge_id: str) -> ChallengeView | None:
        if self.embedded is not None:
            with Session(self.embedded.engine) as session:
                row = session.get(read_model.ChallengeRow, challenge_id)
                return row.to_view() if row else None
        return next((c for c in self.runtime.challenges() if c.challenge_id == challenge_id), None)

    def history(self, subject: str, until: datetime | None = None) -> list[CloudEvent]:
        return self.runtime.history(subject, until)

    def recent(self, count: int, families: Sequence[str] = ()) -> list[CloudEvent]:
        """The last events of the log (of these families), oldest first."""
        if self.embedded is None:
            return [ce for ce in self.runtime.history() if not families or ce.family in families][-count:]
        start = max(self.embedded.store.head() - count, 0)
        return [ce for _, ce in self.embedded.store.read_after(start, count, families)]

    def events_of(self, types: Sequence[type[Event]]) -> list[CloudEvent]:
        """Every event of these types, in the order of the log."""
        wanted = [cls.event_type() for cls in types]
        if self.embedded is None:
            return [ce for ce in self.runtime.history() if ce.type in wanted]
        found: list[CloudEvent] = []
        position = 0
        while batch := self.embedded.store.read_after(position, PAGE, types=wanted):
            found += [ce for _, ce in batch]
            position = batch[-1][0]
        return found
