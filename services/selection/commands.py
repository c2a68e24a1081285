"""Commands of the selection service: reviews, conflicts, decisions, offers."""

from __future__ import annotations

from events.base import Text
from events.selection import Decision
from services.kernel import Command


class AssignReviewer(Command):
    startup_id: str
    reviewer: Text


class DeclareConflictOfInterest(Command):
    startup_id: str
    reviewer: Text
    reason: Text


class ScoreApplication(Command):
    startup_id: str
    reviewer: Text
    scores: dict[str, int]


class DecideApplication(Command):
    startup_id: str
    decision: Decision
    note: str = ""


class AcceptOffer(Command):
    startup_id: str


class DeclineOffer(Command):
    startup_id: str
    reason: Text
