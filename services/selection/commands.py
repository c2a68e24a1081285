"""Commands of the selection service: reviews, conflicts, decisions, offers."""

from __future__ import annotations

from events.base import Plain, Text
from events.selection import Decision
from services.kernel import StartupCommand


class AssignReviewer(StartupCommand):
    reviewer: Text


class DeclareConflictOfInterest(StartupCommand):
    reviewer: Text
    reason: Text


class ScoreApplication(StartupCommand):
    reviewer: Text
    scores: dict[str, int]


class DecideApplication(StartupCommand):
    decision: Decision
    note: Plain = ""


class AcceptOffer(StartupCommand):
    pass


class DeclineOffer(StartupCommand):
    reason: Text
