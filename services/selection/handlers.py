"""Selection handlers: load the selection and the application it is about, decide, save."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from events.base import Event
from services.intake.domain import APPLICATION, Application
from services.kernel import UnitOfWork
from services.rules import RULES
from services.selection import domain
from services.selection.commands import (
    AcceptOffer,
    AssignReviewer,
    DecideApplication,
    DeclareConflictOfInterest,
    DeclineOffer,
    ScoreApplication,
)
from services.selection.domain import SELECTION, Selection

C = TypeVar("C", AssignReviewer, DeclareConflictOfInterest, DecideApplication, AcceptOffer, DeclineOffer)


def _on_selection(
    decide: Callable[[Selection, C, Application], list[Event]],
) -> Callable[[C, UnitOfWork], list[Event]]:
    def handle(cmd: C, uow: UnitOfWork) -> list[Event]:
        application, _ = uow.load(APPLICATION, cmd.startup_id)
        selection, version = uow.load(SELECTION, cmd.startup_id)
        return uow.save(SELECTION, cmd.startup_id, version, decide(selection, cmd, application))

    return handle


assign_reviewer = _on_selection(domain.assign)
declare_conflict = _on_selection(domain.declare_conflict)
decide_application = _on_selection(domain.decide)
accept_offer = _on_selection(domain.accept)
decline_offer = _on_selection(domain.decline)


def score_application(cmd: ScoreApplication, uow: UnitOfWork) -> list[Event]:
    application, _ = uow.load(APPLICATION, cmd.startup_id)
    selection, version = uow.load(SELECTION, cmd.startup_id)
    events = domain.score(selection, cmd, application, RULES)
    return uow.save(SELECTION, cmd.startup_id, version, events)
