"""What the CLI and the demo need of a runtime, embedded or Kafka: the same verbs on both."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Protocol

from events import CloudEvent, Event
from services.kernel import Clock, Command
from services.projector.views import ChallengeView, Projection, StartupView


class Runtime(Protocol):
    clock: Clock
    followed_by: list[CloudEvent]
    """What policies did in reaction to the last command."""

    def handle(self, command: Command) -> list[Event]: ...

    def tick(self) -> list[Event]:
        """Check every deadline as of the clock's now; the events it caused."""
        ...

    def startups(self, city: str | None = None) -> list[StartupView]: ...

    def challenges(self) -> list[ChallengeView]: ...

    def history(self, subject: str | None = None, until: datetime | None = None) -> list[CloudEvent]: ...

    def replay(self) -> Projection:
        """The whole log replayed into fresh views."""
        ...

    def follow(self, families: Sequence[str], from_start: bool, poll: float) -> Iterator[CloudEvent | None]:
        """New events as they come; None after each quiet look, so a caller can stop."""
        ...

    def close(self) -> None: ...
