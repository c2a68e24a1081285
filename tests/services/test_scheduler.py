"""The scheduler's rules: which commands are due on a given day (pure)."""

from __future__ import annotations

from datetime import date

from services.intake.commands import CloseCall, OpenCall
from services.intake.domain import CHALLENGE
from services.participation.commands import CompleteAccelerator, MarkMilestoneOverdue
from services.participation.domain import PARTICIPATION
from services.scheduler.domain import call_commands, deadline_commands
from tests import builders as b


def test_a_scheduled_call_opens_on_its_first_day_and_not_before() -> None:
    challenge = CHALLENGE.fold([b.published()])
    assert call_commands(challenge, date(2027, 1, 10)) == []
    assert call_commands(challenge, date(2027, 1, 11)) == [OpenCall(challenge_id=b.CHALLENGE)]


def test_an_open_call_closes_the_day_after_its_last_day() -> None:
    challenge = CHALLENGE.fold([b.published(), b.opened()])
    assert call_commands(challenge, date(2027, 2, 12)) == []
    assert call_commands(challenge, date(2027, 2, 13)) == [CloseCall(challenge_id=b.CHALLENGE)]


def test_milestones_past_due_and_not_delivered_are_due_for_overdue() -> None:
    participation = PARTICIPATION.fold([b.started(), *b.delivered("kick-off")])
    assert deadline_commands(participation, date(2027, 5, 1)) == [
        MarkMilestoneOverdue(startup_id=b.PARKLY, key="poc-design")
    ]


def test_the_programme_ends_at_month_six() -> None:
    participation = PARTICIPATION.fold(
        [
            b.started(),
            *(e for k in ("kick-off", "poc-design", "poc-delivered", "final-demo") for e in b.delivered(k)),
        ]
    )
    assert deadline_commands(participation, date(2027, 8, 31)) == []
    assert deadline_commands(participation, date(2027, 9, 1)) == [CompleteAccelerator(startup_id=b.PARKLY)]
