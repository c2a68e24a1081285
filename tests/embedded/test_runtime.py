"""The embedded runtime: policies and projector catch up, each event applied once, crashes heal."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from accelerator import queries
from accelerator.embedded import consumers
from accelerator.embedded.runtime import EmbeddedRuntime
from accelerator.embedded.store import StoredEvent
from events.applications import Contact
from events.selection import Decision
from services.intake import commands as intake
from services.kernel import Rejected, VirtualClock
from services.participation import commands as acc
from services.payments import commands as pay
from services.selection import commands as sel
from tests import builders as b
from tests.fakes import at


def accelerate_parkly(runtime: EmbeddedRuntime, clock: VirtualClock) -> str:
    """Parkly applies, is selected, accepts and starts the accelerator on 2027-03-01."""
    runtime.handle(intake.PublishChallenge(**b.published().model_dump()))
    clock.set(at(date(2027, 1, 11)))
    runtime.tick()
    runtime.handle(
        intake.SubmitApplication(
            challenge_id=b.CHALLENGE,
            company_name="Parkly",
            enterprise_number=b.PARKLY_NUMBER,
            contact=Contact(name="Lotte", email="lotte@parkly.be"),
            proposal="Loading zones",
            requested_budget=Decimal(10000),
        )
    )
    runtime.handle(sel.AssignReviewer(startup_id=b.PARKLY, reviewer="An Peeters"))
    runtime.handle(
        sel.ScoreApplication(
            startup_id=b.PARKLY,
            reviewer="An Peeters",
            scores={"impact": 8, "innovation": 8, "feasibility": 8, "team": 8},
        )
    )
    runtime.handle(sel.DecideApplication(startup_id=b.PARKLY, decision=Decision.SELECTED))
    runtime.handle(sel.AcceptOffer(startup_id=b.PARKLY))
    clock.set(at(b.COHORT_START))
    runtime.handle(
        acc.StartCohort(cohort_id="cohort-2027", starts_on=b.COHORT_START, startup_ids=(b.PARKLY,))
    )
    return b.PARKLY


POLICY_CONSUMER, PROJECTOR = "instructs-payments", "projector"


def positions(runtime: EmbeddedRuntime) -> dict[str, int]:
    return {c: runtime.consumers.position(c) for c in (POLICY_CONSUMER, PROJECTOR)}


def test_a_started_cohort_starts_the_accelerator_through_the_policy(
    runtime: EmbeddedRuntime, clock: VirtualClock
) -> None:
    accelerate_parkly(runtime, clock)
    (view,) = runtime.startups()
    assert view.phase == "in accelerator"
    assert list(view.milestones) == ["kick-off", "poc-design", "poc-delivered", "final-demo"]
    assert positions(runtime) == {POLICY_CONSUMER: runtime.store.head(), PROJECTOR: runtime.store.head()}


def test_an_approved_payment_is_instructed_by_the_policy_exactly_once(
    runtime: EmbeddedRuntime, clock: VirtualClock
) -> None:
    accelerate_parkly(runtime, clock)
    runtime.handle(acc.SubmitDeliverable(startup_id=b.PARKLY, key="kick-off", deliverable="kick-off.pdf"))
    runtime.handle(acc.ApproveMilestone(startup_id=b.PARKLY, key="kick-off"))
    runtime.handle(
        pay.RequestPayment(
            startup_id=b.PARKLY, milestone_key="kick-off", amount=Decimal(3000), iban=b.PARKLY_IBAN
        )
    )
    runtime.handle(pay.ApprovePayment(payment_id=f"{b.PARKLY}/kick-off/1"), actor="Marie Claes")
    (view,) = runtime.startups()
    assert view.payments[f"{b.PARKLY}/kick-off/1"].status == "instructed"
    head = runtime.store.head()

    with runtime.engine.begin() as connection:  # as if the process died before recording its progress
        connection.execute(
            text("UPDATE tracking SET position = 0 WHERE consumer = :c"), {"c": POLICY_CONSUMER}
        )
    runtime.catch_up()
    assert runtime.store.head() == head, "the policy instructed the payment a second time"


def test_the_projector_applies_each_event_once_even_when_its_commit_fails(
    runtime: EmbeddedRuntime, clock: VirtualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    accelerate_parkly(runtime, clock)
    (before,) = runtime.startups()

    def crash(*_args: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(consumers, "_move", crash)
    with pytest.raises(RuntimeError):
        runtime.handle(
            acc.LogExpertSession(
                startup_id=b.PARKLY, expert="Els Vermeulen", topic="GDPR", held_on=b.COHORT_START, hours=2
            )
        )
    assert runtime.startups() == [before], "views changed without their tracking record"
    monkeypatch.undo()
    runtime.catch_up()
    runtime.catch_up()
    (after,) = runtime.startups()
    assert after.expert_sessions == 1
    assert queries.rebuild(runtime).matches


def test_an_unreadable_event_goes_to_the_dead_letters_and_the_rest_is_still_projected(
    runtime: EmbeddedRuntime, clock: VirtualClock
) -> None:
    runtime.handle(intake.PublishChallenge(**b.published().model_dump()))
    with Session(runtime.engine) as session:
        row = session.exec(select(StoredEvent)).one()
        session.add(
            StoredEvent(
                id="garbage-1",
                stream="challenge-x",
                version=1,
                type="accelerator.x.y.v1",
                family="x",
                subject="x",
                time=row.time,
                envelope=row.envelope.replace("challenge_published", "mystery_happened"),
            )
        )
        session.commit()
    clock.set(at(date(2027, 1, 11)))
    runtime.tick()
    (letter, *_) = runtime.dead_letters()
    assert "unknown event type 'accelerator.programme.mystery_happened.v2'" in letter.reason
    assert [c.status for c in runtime.challenges()] == ["open"]


def test_show_as_of_replays_the_state_of_that_day(runtime: EmbeddedRuntime, clock: VirtualClock) -> None:
    accelerate_parkly(runtime, clock)
    clock.set(at(b.COHORT_START + timedelta(days=20)))
    runtime.tick()
    clock.set(at(b.COHORT_START + timedelta(days=21)))
    runtime.handle(acc.SubmitDeliverable(startup_id=b.PARKLY, key="kick-off", deliverable="late.pdf"))
    then = queries.as_of(runtime, b.PARKLY, at(b.COHORT_START + timedelta(days=20)) + timedelta(hours=1))
    now = queries.as_of(runtime, b.PARKLY, at(date(2027, 12, 31)))
    assert then is not None and now is not None
    assert (then.milestones["kick-off"].status, then.milestones["kick-off"].overdue) == ("planned", True)
    assert now.milestones["kick-off"].status == "submitted"
    assert queries.as_of(runtime, b.PARKLY, at(date(2027, 1, 5))) is None


def test_a_refused_command_changes_nothing(runtime: EmbeddedRuntime, clock: VirtualClock) -> None:
    accelerate_parkly(runtime, clock)
    head, views = runtime.store.head(), runtime.startups()
    with pytest.raises(Rejected, match="key: no milestone"):
        runtime.handle(acc.ApproveMilestone(startup_id=b.PARKLY, key="demo-day"))
    assert (runtime.store.head(), runtime.startups()) == (head, views)
