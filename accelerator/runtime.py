"""What the CLI, the web app and the demo need of a runtime, embedded or Kafka: the same verbs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

from accelerator.progress import Advance
from events import CloudEvent, Event, parse
from services.deadletters import DeadLetter
from services.kernel import Clock, Command
from services.projector.views import ChallengeView, StartupView

if TYPE_CHECKING:
    from accelerator.queries import RebuildReport


class Unavailable(Exception):
    """A server the runtime needs (broker, topic, database) is not there, and waiting did not
    help; the message is one line naming it and what to do."""


@dataclass(frozen=True)
class Outcome:
    """What one command did: its own events, and what policies did in reaction to them."""

    command_id: str
    recorded: tuple[CloudEvent, ...] = ()
    reactions: tuple[CloudEvent, ...] = ()
    repeated: bool = False
    """The command id was seen before: this is the first outcome again, nothing new happened."""

    @cached_property
    def events(self) -> list[Event]:
        return [parse(ce) for ce in self.recorded]

    @property
    def refusal(self) -> str | None:
        """A refusal the programme keeps on record (a payment past the cap): the caller failed."""
        return next((why for event in self.events if (why := event.refusal()) is not None), None)


class Runtime(Protocol):
    clock: Clock

    def handle(self, command: Command, actor: str | None = None, command_id: str | None = None) -> Outcome:
        """Run one command to completion (its reactions too); refusals raise `Rejected`.

        A `command_id` seen before gives the first outcome again (idempotent retries)."""
        ...

    def tick(self) -> list[Event]:
        """Check every deadline as of the clock's now; the events it caused."""
        ...

    def startups(
        self,
        city: str | None = None,
        phase: str | None = None,
        challenge: str | None = None,
        limit: int | None = None,
        page: int = 1,
    ) -> list[StartupView]:
        """Startups' views in the listing order (by challenge, then company), filtered; one
        page of `limit` (None: all)."""
        ...

    def startup(self, startup_id: str) -> StartupView | None:
        """One startup's view."""
        ...

    def find_startups(self, ref: str) -> list[str]:
        """The ids of the startups `ref` names: id, id prefix or company name (any case)."""
        ...

    def challenges(self) -> list[ChallengeView]: ...

    def history(self, subject: str | None = None, until: datetime | None = None) -> list[CloudEvent]: ...

    def rebuild(self, repair: bool = False, advance: Advance = ...) -> RebuildReport:
        """Replay the whole log into fresh views and compare them with the read model; with
        `repair`, replace the views that differ (refused where the read model is not ours)."""
        ...

    def follow(self, families: Sequence[str], from_start: bool, poll: float) -> Iterator[CloudEvent | None]:
        """New events as they come; None after each quiet look, so a caller can stop."""
        ...

    def dead_letters(self) -> list[DeadLetter]:
        """What consumers could not process, with the reason, oldest first."""
        ...

    def close(self) -> None: ...
