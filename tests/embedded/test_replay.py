"""Replaying the whole log gives exactly the projection the live run built, whatever happened."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from accelerator import queries
from accelerator.bootstrap import embedded
from accelerator.embedded.runtime import EmbeddedRuntime
from accelerator.settings import Settings
from events.applications import Contact
from events.selection import Decision
from services.intake import commands as intake
from services.intake.domain import startup_id_for
from services.kernel import Command, Rejected, VirtualClock
from services.participation import commands as acc
from services.payments import commands as pay
from services.selection import commands as sel
from tests import builders as b
from tests.fakes import at

COMPANIES = (("Parkly", "0403170701"), ("Curbsense", "0428759497"), ("Cargoroute", "0552134688"))
IDS = [startup_id_for(b.CHALLENGE, number) for _, number in COMPANIES]
KEYS = ("kick-off", "poc-design", "poc-delivered", "final-demo")
SCORES = ("impact", "innovation", "feasibility", "team")

DECISIONS = (Decision.SELECTED, Decision.SELECTED, Decision.WAITLISTED, Decision.REJECTED)

Stage = Callable[[str, int], list[Command]]


def _apply(startup: str, n: int) -> list[Command]:
    company, number = COMPANIES[IDS.index(startup)]
    return [intake.SubmitApplication(
        challenge_id=b.CHALLENGE, company_name=company, enterprise_number=number,
        contact=Contact(name="Founder", email="founder@example.be"), proposal="A PoC",
        requested_budget=Decimal(5000 + n * 50))]  # fmt: skip


def _milestone(key: str) -> list[Stage]:
    return [
        lambda s, n: [acc.SubmitDeliverable(startup_id=s, key=key, deliverable=f"{key}.pdf")],
        lambda s, n: [acc.ApproveMilestone(startup_id=s, key=key)],
        lambda s, n: [pay.RequestPayment(startup_id=s, milestone_key=key, amount=Decimal(n * 100 + 1),
                                         iban=b.PARKLY_IBAN),
                      pay.ApprovePayment(payment_id=f"{s}/{key}/1")],
        lambda s, n: [pay.RecordDisbursement(payment_id=f"{s}/{key}/1")],
    ]  # fmt: skip


PIPELINE: list[Stage] = [
    _apply,
    lambda s, n: [
        sel.AssignReviewer(startup_id=s, reviewer="An Peeters"),
        sel.ScoreApplication(startup_id=s, reviewer="An Peeters", scores=dict.fromkeys(SCORES, n % 12)),
    ],
    lambda s, n: [sel.DecideApplication(startup_id=s, decision=DECISIONS[n % len(DECISIONS)])],
    lambda s, n: [sel.AcceptOffer(startup_id=s)],
    *[stage for key in KEYS for stage in _milestone(key)],
]  # fmt: skip

DISRUPTIONS: dict[str, Stage] = {
    "withdraw": lambda s, n: [intake.WithdrawApplication(startup_id=s, reason="changed plans")],
    "conflict": lambda s, n: [
        sel.DeclareConflictOfInterest(startup_id=s, reviewer="An Peeters", reason="friend")
    ],
    "send back": lambda s, n: [acc.SendBackMilestone(startup_id=s, key=KEYS[n % 4], reason="incomplete")],
    "fail": lambda s, n: [pay.RecordPaymentFailure(payment_id=f"{s}/{KEYS[n % 4]}/1", reason="AC04")],
    "retry": lambda s, n: [pay.RetryPayment(payment_id=f"{s}/{KEYS[n % 4]}/1")],
    "terminate": lambda s, n: [acc.TerminateParticipation(startup_id=s, reason="team left")],
    "agree": lambda s, n: [pay.AgreeGrant(startup_id=s, award=Decimal(5000), iban=b.PARKLY_IBAN,
                                          account_holder="Founder BV")],
    "export": lambda s, n: [pay.ExportPayments(programme="brugge-2027", debtor_name="Stad Brugge",
                                               debtor_iban=b.CITY_IBAN)],
}  # fmt: skip

who = st.integers(0, len(IDS) - 1)
n = st.integers(0, 100)
step = st.one_of(
    *[st.tuples(st.just("next"), who, n)] * 8,
    st.tuples(st.sampled_from(sorted(DISRUPTIONS)), who, n),
    st.tuples(st.just("again"), who, n),
    st.tuples(st.just("cohort"), who, n),
    st.tuples(st.just("days"), who, st.integers(1, 40)),
)


class Run:
    def __init__(self, runtime: EmbeddedRuntime, clock: VirtualClock) -> None:
        self.runtime, self.clock = runtime, clock
        self.stage = dict.fromkeys(IDS, 0)
        self.last: list[Command] = []

    def do(self, commands: list[Command]) -> None:
        self.last = commands
        for command in commands:
            actor = "Marie Claes" if isinstance(command, pay.ApprovePayment) else "An Peeters"  # four eyes
            with contextlib.suppress(Rejected):  # refusals are part of the story
                self.runtime.handle(command, actor)

    def step(self, verb: str, i: int, n: int) -> None:
        startup = IDS[i]
        if verb == "next" and self.stage[startup] < len(PIPELINE):
            self.do(PIPELINE[self.stage[startup]](startup, n))
            self.stage[startup] += 1
        elif verb in DISRUPTIONS:
            self.do(DISRUPTIONS[verb](startup, n))
        elif verb == "again":  # a redelivered command
            self.do(self.last)
        elif verb == "cohort":
            accepted = tuple(v.startup_id for v in self.runtime.startups(phase="accepted"))
            if accepted:
                self.do([acc.StartCohort(cohort_id=f"cohort-{n}", starts_on=self.clock.now().date(),
                                         startup_ids=accepted)])  # fmt: skip
        elif verb == "days":
            self.clock.advance(days=n)
            self.runtime.tick()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, min_size=30, max_size=100))
def test_replaying_the_log_gives_the_live_projection(actions: list[tuple[str, int, int]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        clock = VirtualClock(at(date(2027, 1, 4)))
        runtime = embedded(Settings(store=Path(folder) / "store.db"), clock)
        runtime.handle(intake.PublishChallenge(**b.published(closes=date(2027, 12, 31)).model_dump()))
        clock.set(at(date(2027, 1, 11)))
        runtime.tick()
        run = Run(runtime, clock)
        for action in actions:
            run.step(*action)
        live = {v.startup_id: v for v in runtime.startups()}
        assert queries.rebuild(runtime).matches
        with runtime.engine.begin() as connection:  # the read model lost: replay it from scratch
            connection.exec_driver_sql("DELETE FROM startup_view")
        assert queries.rebuild(runtime, repair=True).different == len(live)
        assert {v.startup_id: v for v in runtime.startups()} == live
        assert queries.rebuild(runtime).matches
        for view in live.values():
            assert view.remaining >= 0, "more than the award was committed"
            assert view.paid <= Decimal(10000)
            event(f"reached: {view.phase}" + (" with payments" if view.payments else ""))
        runtime.engine.dispose()
