"""Per-stream order for a projector that reads several topics.

Each family has its own topic, so a stream's events (AcceleratorStarted on the programme
topic, MilestoneApproved on the milestones topic) can arrive out of order, and a selection
event can arrive before the application that creates the startup's view. `Subject` keeps,
for one subject, the next version it expects of each stream and the events that came early;
an event is applied only in its stream's order, once the view exists; a duplicate is dropped.
Pure: the Kafka projector stores each subject as JSON in PostgreSQL, beside its views.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from events import CATALOGUE, CloudEvent, parse
from events.applications import ApplicationSubmitted
from events.exports import PaymentsExported
from events.programme import ChallengePublished, CohortStarted
from events.registry import older_types
from services.projector.views import ChallengeView, Projection, StartupView

CREATORS = {
    t for cls in (ApplicationSubmitted, ChallengePublished) for t in (cls.event_type(), *older_types(cls))
}
UNSHOWN = {CohortStarted.event_type(), PaymentsExported.event_type()} | {
    cls.event_type() for cls in CATALOGUE if cls.family == "subscriptions"
}
"""Events no view shows (a cohort's start, a programme's SEPA file, a city's webhook
subscriptions): taken in order and dropped, never kept waiting for a view that never comes."""
VIEWLESS = CREATORS | UNSHOWN
"""Events taken before the subject has a view."""
VIEWS = {"startup", "challenge"}


class Subject(BaseModel):
    subject: str
    startup: StartupView | None = None
    challenge: ChallengeView | None = None
    next_version: dict[str, int] = Field(default_factory=dict)
    early: list[CloudEvent] = Field(default_factory=list)

    def receive(self, ce: CloudEvent) -> bool:
        """Take one event in; True if the views changed."""
        if (ce.streamversion or 0) < self._expected(ce) or any(e.id == ce.id for e in self.early):
            return False  # a duplicate: already applied, or already waiting
        if not self.early and self._ready(ce):  # the usual case: in order, nothing waiting
            self._apply(ce)
            return True
        self.early.append(ce)
        changed = False
        while ready := next((e for e in self.early if self._ready(e)), None):
            self.early.remove(ready)
            self._apply(ready)
            changed = True
        self.early = [e for e in self.early if (e.streamversion or 0) >= self._expected(e)]  # overtaken
        return changed

    def _expected(self, ce: CloudEvent) -> int:
        """The version this subject takes next from the event's stream (lower: a duplicate)."""
        return self.next_version.get(ce.stream or "", 1)

    def _shared(self, ce: CloudEvent) -> bool:
        """A stream of several subjects (`hardware-<item>`, lent to one startup after another),
        not the subject's own (`grant-<startup>`)."""
        return not (ce.stream or "").endswith(f"-{self.subject}")

    def _ready(self, ce: CloudEvent) -> bool:
        if self._shared(ce):
            # Seen by this subject only in part (an item lent to A, then B, then A again: A
            # sees versions 1, 2, 5, 6), but on one topic and key, so in order: taken in the
            # order it came, whatever the gap before it.
            in_order = (ce.streamversion or 0) >= self._expected(ce)
        else:
            in_order = ce.streamversion == self._expected(ce)
        viewed = ce.type in VIEWLESS or self.startup is not None or self.challenge is not None
        return in_order and viewed

    def _apply(self, ce: CloudEvent) -> None:
        if ce.type not in UNSHOWN:
            projection = Projection(lambda _id: self.startup, lambda _id: self.challenge)
            projection.apply(parse(ce), ce.time)
            self.startup = projection.startups.get(self.subject, self.startup)
            self.challenge = projection.challenges.get(self.subject, self.challenge)
        self.next_version[ce.stream or ""] = (ce.streamversion or 0) + 1

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def state(self) -> str:
        """What a projector stores beside the views: the subject without them (they are in
        their own rows, written in the same transaction; `with_views` puts them back)."""
        return self.model_dump_json(exclude=VIEWS)

    def with_views(self, startup: StartupView | None, challenge: ChallengeView | None) -> Subject:
        """This stored state with its views (a state stored with its views keeps them)."""
        self.startup, self.challenge = startup or self.startup, challenge or self.challenge
        return self
