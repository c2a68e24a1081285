"""The accelerator: cohorts, milestone plans and reviews, deadlines, experts, hardware."""

from __future__ import annotations

from datetime import date

import pytest

from events.milestones import (
    DeliverableSubmitted,
    MilestoneApproved,
    MilestoneOverdue,
    MilestonePlanned,
    MilestoneSentBack,
)
from events.programme import AcceleratorCompleted, AcceleratorStarted, CohortStarted, HardwareLent
from services.kernel import Rejected
from services.participation.cohorts import starts_accelerators as react
from services.participation.commands import (
    ApproveMilestone,
    CompleteAccelerator,
    LendHardware,
    MarkMilestoneOverdue,
    PlanMilestone,
    ReturnHardware,
    SendBackMilestone,
    StartAccelerator,
    StartCohort,
    SubmitDeliverable,
)
from tests import builders as b
from tests.fakes import Spec

PARTICIPATION = f"participation-{b.PARKLY}"


def accepted() -> Spec:
    spec = Spec().given(f"application-{b.PARKLY}", b.applied())
    return spec.given(f"selection-{b.PARKLY}", b.reviewer(), b.selected(), b.accepted())


def in_accelerator(today: date = date(2027, 3, 10)) -> Spec:
    return accepted().given(PARTICIPATION, b.started()).on(today)


class TestStartingACohort:
    def test_starts_six_months_for_startups_that_accepted(self) -> None:
        (event,) = accepted().when(
            StartCohort(cohort_id="cohort-2027", starts_on=b.COHORT_START, startup_ids=(b.PARKLY,))
        )
        assert event == CohortStarted(
            cohort_id="cohort-2027",
            starts_on=date(2027, 3, 1),
            ends_on=date(2027, 9, 1),
            startup_ids=(b.PARKLY,),
        )

    def test_refuses_a_startup_that_has_not_accepted(self) -> None:
        spec = Spec().given(f"application-{b.PARKLY}", b.applied())
        with pytest.raises(Rejected, match="startup_ids: .* has not accepted an offer"):
            spec.when(StartCohort(cohort_id="cohort-2027", starts_on=b.COHORT_START, startup_ids=(b.PARKLY,)))

    def test_the_policy_starts_the_accelerator_for_each_startup_of_the_cohort(self) -> None:
        cohort = CohortStarted(
            cohort_id="cohort-2027",
            starts_on=b.COHORT_START,
            ends_on=date(2027, 9, 1),
            startup_ids=(b.PARKLY, "st-other"),
        )
        assert [c.aggregate_id() for c in react(cohort)] == [b.PARKLY, "st-other"]

    def test_starting_twice_changes_nothing(self) -> None:
        spec = accepted()
        command = StartAccelerator(startup_id=b.PARKLY, cohort_id="cohort-2027", starts_on=b.COHORT_START)
        (first,) = spec.when(command)
        assert isinstance(first, AcceleratorStarted)
        assert [m.key for m in first.milestones] == ["kick-off", "poc-design", "poc-delivered", "final-demo"]
        spec.given(PARTICIPATION, first)
        assert spec.when(command) == []


class TestMilestones:
    def test_a_deliverable_on_time_is_not_late(self) -> None:
        (event,) = in_accelerator().when(
            SubmitDeliverable(startup_id=b.PARKLY, key="kick-off", deliverable="x")
        )
        assert isinstance(event, DeliverableSubmitted)
        assert not event.late

    def test_a_deliverable_after_the_due_date_is_late(self) -> None:
        spec = in_accelerator(date(2027, 3, 20))
        (event,) = spec.when(SubmitDeliverable(startup_id=b.PARKLY, key="kick-off", deliverable="x"))
        assert isinstance(event, DeliverableSubmitted)
        assert event.late

    def test_refuses_a_milestone_for_a_startup_not_in_the_accelerator(self) -> None:
        with pytest.raises(Rejected, match="startup_id: .* is not in the accelerator \\(not started\\)"):
            accepted().when(SubmitDeliverable(startup_id=b.PARKLY, key="kick-off", deliverable="x"))

    def test_refuses_an_unknown_milestone(self) -> None:
        with pytest.raises(Rejected, match="key: no milestone 'demo-day' in the plan"):
            in_accelerator().when(SubmitDeliverable(startup_id=b.PARKLY, key="demo-day", deliverable="x"))

    def test_approval_needs_a_submitted_deliverable(self) -> None:
        with pytest.raises(
            Rejected, match="key: milestone kick-off has no deliverable waiting \\(planned\\)"
        ):
            in_accelerator().when(ApproveMilestone(startup_id=b.PARKLY, key="kick-off"))

    def test_a_sent_back_deliverable_can_be_submitted_again_and_approved(self) -> None:
        spec = in_accelerator()
        spec.given(
            PARTICIPATION,
            *spec.when(SubmitDeliverable(startup_id=b.PARKLY, key="kick-off", deliverable="v1")),
        )
        (sent_back,) = spec.when(SendBackMilestone(startup_id=b.PARKLY, key="kick-off", reason="no budget"))
        assert isinstance(sent_back, MilestoneSentBack)
        spec.given(PARTICIPATION, sent_back)
        spec.given(
            PARTICIPATION,
            *spec.when(SubmitDeliverable(startup_id=b.PARKLY, key="kick-off", deliverable="v2")),
        )
        (approved,) = spec.when(ApproveMilestone(startup_id=b.PARKLY, key="kick-off"))
        assert isinstance(approved, MilestoneApproved)
        assert approved.tranche_percent == 30

    def test_a_plan_never_releases_more_than_the_whole_grant(self) -> None:
        with pytest.raises(Rejected, match="tranche_percent: the plan would release 110 % of the grant"):
            in_accelerator().when(
                PlanMilestone(
                    startup_id=b.PARKLY,
                    key="user-test",
                    title="User test",
                    due_on=date(2027, 7, 1),
                    tranche_percent=10,
                )
            )

    def test_plans_an_extra_milestone_inside_the_six_months(self) -> None:
        command = PlanMilestone(
            startup_id=b.PARKLY,
            key="user-test",
            title="User test with residents",
            due_on=date(2027, 7, 1),
            tranche_percent=0,
        )
        assert in_accelerator().when(command) == [MilestonePlanned(city_id="brugge", **command.model_dump())]

    def test_refuses_a_due_date_outside_the_six_months(self) -> None:
        with pytest.raises(Rejected, match="due_on: must fall within 2027-03-01 to 2027-09-01"):
            in_accelerator().when(
                PlanMilestone(
                    startup_id=b.PARKLY,
                    key="late",
                    title="Too late",
                    due_on=date(2027, 12, 1),
                    tranche_percent=0,
                )
            )


class TestDeadlines:
    def test_marks_a_missed_milestone_overdue_once(self) -> None:
        spec = in_accelerator(date(2027, 3, 16))
        (event,) = spec.when(MarkMilestoneOverdue(startup_id=b.PARKLY, key="kick-off"))
        assert event == MilestoneOverdue(
            startup_id=b.PARKLY, city_id="brugge", key="kick-off", due_on=date(2027, 3, 15)
        )
        spec.given(PARTICIPATION, event)
        assert spec.when(MarkMilestoneOverdue(startup_id=b.PARKLY, key="kick-off")) == []

    def test_a_submitted_deliverable_awaiting_review_is_not_overdue(self) -> None:
        spec = in_accelerator(date(2027, 3, 16)).given(PARTICIPATION, b.delivered("kick-off")[0])
        assert spec.when(MarkMilestoneOverdue(startup_id=b.PARKLY, key="kick-off")) == []

    def test_completes_at_month_six_and_not_before(self) -> None:
        assert in_accelerator(date(2027, 8, 31)).when(CompleteAccelerator(startup_id=b.PARKLY)) == []
        assert in_accelerator(date(2027, 9, 1)).when(CompleteAccelerator(startup_id=b.PARKLY)) == [
            AcceleratorCompleted(startup_id=b.PARKLY, city_id="brugge", ended_on=date(2027, 9, 1))
        ]


class TestHardware:
    def test_lends_an_item_to_a_startup_in_the_accelerator(self) -> None:
        events = in_accelerator().when(
            LendHardware(item_id="lidar-01", startup_id=b.PARKLY, description="lidar")
        )
        assert events == [
            HardwareLent(
                startup_id=b.PARKLY,
                city_id="brugge",
                item_id="lidar-01",
                description="lidar",
                lent_on=date(2027, 3, 10),
            )
        ]

    def test_refuses_an_item_already_on_loan(self) -> None:
        spec = in_accelerator()
        spec.given(
            "hardware-lidar-01",
            *spec.when(LendHardware(item_id="lidar-01", startup_id=b.PARKLY, description="lidar")),
        )
        with pytest.raises(Rejected, match="item_id: lidar-01 is on loan to"):
            spec.when(LendHardware(item_id="lidar-01", startup_id=b.PARKLY, description="lidar"))

    def test_refuses_to_take_back_an_item_not_on_loan(self) -> None:
        with pytest.raises(Rejected, match="item_id: lidar-01 is not on loan"):
            in_accelerator().when(ReturnHardware(item_id="lidar-01"))
