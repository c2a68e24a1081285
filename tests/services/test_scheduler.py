"""The scheduler's rules: which commands are due on a given day (pure)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from events.programme import CallClosed
from services.intake.commands import CloseCall, OpenCall
from services.intake.domain import CHALLENGE, CallStatus, Challenge
from services.participation.commands import CompleteAccelerator, MarkMilestoneOverdue
from services.participation.domain import PARTICIPATION, Milestone, MilestoneStatus, Participation, Status
from services.scheduler.domain import WATCHED, Deadlines, call_commands, deadline_commands
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


def test_nothing_is_due_before_the_next_day_a_call_names_and_something_is_on_it() -> None:
    scheduled = CHALLENGE.fold([b.published()])
    assert WATCHED[0].next_day(scheduled, date(2027, 1, 4)) == date(2027, 1, 11)
    opened = CHALLENGE.fold([b.published(), b.opened()])
    assert WATCHED[0].next_day(opened, date(2027, 1, 11)) == date(2027, 2, 13)
    closed = CHALLENGE.fold(
        [b.published(), b.opened(), CallClosed(challenge_id=b.CHALLENGE, city_id="brugge")]
    )
    assert WATCHED[0].next_day(closed, date(2027, 2, 13)) is None


def test_the_next_deadline_is_the_first_milestone_awaiting_the_startup_then_month_six() -> None:
    participation = PARTICIPATION.fold([b.started(), *b.delivered("kick-off")])
    assert WATCHED[1].next_day(participation, b.COHORT_START) == date(2027, 5, 1)
    assert deadline_commands(participation, date(2027, 4, 30)) == []
    everything = [
        b.started(),
        *(e for k in ("kick-off", "poc-design", "poc-delivered", "final-demo") for e in b.delivered(k)),
    ]
    assert WATCHED[1].next_day(PARTICIPATION.fold(everything), b.COHORT_START) == date(2027, 9, 1)


# Days near the end of the calendar too: a deadline on its last day has no day after it.
DAYS = st.one_of(st.dates(date(2026, 6, 1), date(2028, 6, 1)), st.just(date.max))
CHALLENGES = st.builds(
    Challenge,
    challenge_id=st.just(b.CHALLENGE),
    status=st.sampled_from(CallStatus),
    opens_on=DAYS,
    closes_on=DAYS,
)
MILESTONES = st.builds(
    Milestone,
    key=st.sampled_from(("kick-off", "poc-design", "poc-delivered", "final-demo")),
    title=st.just("Milestone"),
    due_on=DAYS,
    tranche_percent=st.just(25),
    status=st.sampled_from(MilestoneStatus),
    overdue=st.booleans(),
)
PARTICIPATIONS = st.builds(
    Participation,
    startup_id=st.just(b.PARKLY),
    status=st.sampled_from(Status),
    ends_on=DAYS,
    milestones=st.lists(MILESTONES, max_size=4).map(lambda ms: {m.key: m for m in ms}),
)


def _nothing_due_before_the_next_day(watch: Deadlines[Any], state: Any, day: date, later: int) -> None:
    """From `day`, nothing is due before the day `next_day` names, and something is on it."""
    first = watch.next_day(state, day)
    if first is not None:
        assert first >= day
        assert watch.due(state, first), f"nothing due on {first}, the day named"
    probe = day + timedelta(days=later)
    if first is None or probe < first:
        assert watch.due(state, probe) == [], f"due on {probe}, before {first}"
    event("never due" if first is None else "due that day" if first == day else "due later")
    event("a day probed before the next" if first is None or probe < first else "a day probed from the next")


@pytest.mark.parametrize(
    ("watch", "states"),
    [(WATCHED[0], CHALLENGES), (WATCHED[1], PARTICIPATIONS)],
    ids=["calls", "participations"],
)
@settings(max_examples=400, deadline=None)
@given(data=st.data(), day=st.dates(date(2026, 6, 1), date(2028, 6, 1)), later=st.integers(0, 900))
def test_nothing_is_due_before_the_day_named_next_and_something_is_on_it(
    watch: Deadlines[Any], states: st.SearchStrategy[Any], data: st.DataObject, day: date, later: int
) -> None:
    _nothing_due_before_the_next_day(watch, data.draw(states), day, later)
