"""One writer per aggregate, declared: every command type is taken by one decider of one
service, and the one stream it appends to is the aggregate it names (its Kafka key)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from events.applications import Contact
from events.base import Event
from events.programme import Track
from events.selection import Decision
from services.intake import commands as intake
from services.intake import open_commands as oc
from services.intake.identity import startup_id_for
from services.intake.open_call import idea_id_for
from services.kernel import Command, Metadata
from services.participation import commands as acc
from services.payments import commands as pay
from services.pilots import commands as pil
from services.routing import COMMANDS, DECIDERS, SERVICES, WRITES, service_of, stream_of
from services.selection import commands as sel
from services.subscriptions import commands as subs
from tests import builders as b
from tests.conftest import DemoRun
from tests.fakes import InMemoryStore, Spec, at

CURBSENSE, CARGOROUTE, VELOFLOW = "0428759497", "0552134688", "0661209309"
CURBSENSE_IBAN, NEW_IBAN = "BE90 2095 5131 4832", "BE98 7225 5167 0793"
ACTORS: dict[type[Command], str] = {pay.ApprovePayment: "Marie Claes"}
"""Four eyes: a payment is approved by another person than the one who asked for it."""


KEYED_BY_SUBJECT = ("challenge", "application", "selection", "participation", "grant", "pilot", "outcome")
"""Deciders whose aggregate id is the subject of their events (a startup or a challenge)."""


class RecordingStore(InMemoryStore):
    """Remembers which stream each append went to."""

    def __init__(self) -> None:
        super().__init__()
        self.appended: list[str] = []

    def append(self, stream: str, expected_version: int, events: Sequence[Event], meta: Metadata) -> None:
        super().append(stream, expected_version, events, meta)
        self.appended.append(stream)


def apply(number: str, company: str) -> intake.SubmitApplication:
    return intake.SubmitApplication(
        challenge_id=b.CHALLENGE,
        company_name=company,
        enterprise_number=number,
        contact=Contact(name=f"Founder of {company}", email="hello@example.be"),
        proposal="A proof of concept",
        requested_budget=Decimal(10000),
    )


EXPORT = pay.ExportPayments(
    programme="brugge-2027", debtor_name="Stad Brugge", debtor_iban="BE68539007547034"
)


def agreement(startup: str) -> pay.AgreeGrant:
    return pay.AgreeGrant(
        startup_id=startup, award=Decimal(8000), iban=CURBSENSE_IBAN, account_holder="Curbsense BV"
    )


def lifecycle() -> list[tuple[date, Command]]:
    """Every command type once at least, each on a day it is accepted."""
    parkly, curbsense, cargoroute = (
        b.PARKLY,
        *(startup_id_for(b.CHALLENGE, n) for n in (CURBSENSE, CARGOROUTE)),
    )
    scores = dict.fromkeys(("impact", "innovation", "feasibility", "team"), 8)
    start, paid = b.COHORT_START, f"{parkly}/kick-off/2"
    publish = intake.PublishChallenge(**b.published().model_dump())
    publish = publish.model_copy(update={"tracks": (Track.ACCELERATOR, Track.IDEAS)})
    author = Contact(name="Noor Claes", email="noor@groenegevels.be")
    idea = idea_id_for(b.CHALLENGE, author.email)
    steps: list[tuple[date, Command]] = [
        (date(2027, 1, 4), publish),
        (
            date(2027, 1, 5),
            intake.AmendChallenge(challenge_id=b.CHALLENGE, note="a week more", closes_on=date(2027, 2, 12)),
        ),
        (date(2027, 1, 11), intake.OpenCall(challenge_id=b.CHALLENGE)),
        (
            date(2027, 1, 11),
            oc.AskQuestion(challenge_id=b.CHALLENGE, question="Is there power on the lamp posts?"),
        ),
        (
            date(2027, 1, 11),
            oc.PublishAnswer(challenge_id=b.CHALLENGE, question_id="q-1", answer="Yes, 230 V"),
        ),
        (
            date(2027, 1, 11),
            oc.SubmitIdea(
                challenge_id=b.CHALLENGE,
                title="Green walls",
                summary="Plants on walls",
                author_name="Team Groene Gevels",
                country="BE",
                contact=author,
            ),
        ),
        (date(2027, 1, 11), oc.ShortlistIdea(challenge_id=b.CHALLENGE, idea_id=idea)),
        (date(2027, 1, 11), oc.InviteIdea(challenge_id=b.CHALLENGE, idea_id=idea, apply_by=date(2027, 3, 1))),
        (date(2027, 1, 12), apply(b.PARKLY_NUMBER, "Parkly")),
        (date(2027, 1, 13), apply(CURBSENSE, "Curbsense")),
        (date(2027, 1, 14), apply(CARGOROUTE, "Cargoroute")),
        (date(2027, 1, 15), apply(VELOFLOW, "Veloflow")),
        (
            date(2027, 1, 16),
            intake.WithdrawApplication(startup_id=startup_id_for(b.CHALLENGE, VELOFLOW), reason="x"),
        ),
        (date(2027, 2, 13), intake.CloseCall(challenge_id=b.CHALLENGE)),
    ]
    review, decision = date(2027, 2, 14), date(2027, 2, 15)
    for startup in (parkly, curbsense, cargoroute):
        steps += [
            (review, sel.AssignReviewer(startup_id=startup, reviewer="An Peeters")),
            (review, sel.ScoreApplication(startup_id=startup, reviewer="An Peeters", scores=scores)),
        ]
    steps += [
        (review, sel.DeclareConflictOfInterest(startup_id=parkly, reviewer="Koen Janssens", reason="kin"))
    ]
    steps += [
        (decision, sel.DecideApplication(startup_id=s, decision=Decision.SELECTED))
        for s in (parkly, curbsense, cargoroute)
    ]
    steps += [
        (date(2027, 2, 16), sel.AcceptOffer(startup_id=parkly)),
        (date(2027, 2, 16), sel.AcceptOffer(startup_id=curbsense)),
        (date(2027, 2, 16), sel.DeclineOffer(startup_id=cargoroute, reason="acquired")),
        (start, acc.StartCohort(cohort_id="cohort-2027", starts_on=start, startup_ids=(parkly, curbsense))),
        (start, acc.StartAccelerator(startup_id=parkly, cohort_id="cohort-2027", starts_on=start)),
        (start, acc.StartAccelerator(startup_id=curbsense, cohort_id="cohort-2027", starts_on=start)),
        (
            start,
            acc.PlanMilestone(
                startup_id=parkly,
                key="user-test",
                title="User test",
                due_on=start + timedelta(days=30),
                tranche_percent=0,
            ),
        ),
        (start + timedelta(days=1), agreement(curbsense)),
        (
            start + timedelta(days=2),
            pay.ChangeBeneficiaryAccount(startup_id=curbsense, iban=NEW_IBAN, account_holder="Curbsense BV"),
        ),
        (
            start + timedelta(days=2),
            acc.LendHardware(item_id="lidar-01", startup_id=parkly, description="lidar"),
        ),
        (
            start + timedelta(days=5),
            acc.SubmitDeliverable(startup_id=curbsense, key="kick-off", deliverable="k.pdf"),
        ),
        (start + timedelta(days=6), acc.ApproveMilestone(startup_id=curbsense, key="kick-off")),
        (start + timedelta(days=6), pay.RequestTranche(startup_id=curbsense, milestone_key="kick-off")),
        (start + timedelta(days=7), pay.ApprovePayment(payment_id=f"{curbsense}/kick-off/1")),
        (start + timedelta(days=7), pay.InstructPayment(payment_id=f"{curbsense}/kick-off/1")),
        (start + timedelta(days=8), EXPORT),
        (
            start + timedelta(days=3),
            acc.LogExpertSession(
                startup_id=parkly,
                expert="Els Vermeulen",
                topic="GDPR",
                held_on=start + timedelta(days=3),
                hours=2,
            ),
        ),
        (
            start + timedelta(days=5),
            acc.SubmitDeliverable(startup_id=parkly, key="kick-off", deliverable="v1.pdf"),
        ),
        (
            start + timedelta(days=6),
            acc.SendBackMilestone(startup_id=parkly, key="kick-off", reason="no scope"),
        ),
        (
            start + timedelta(days=7),
            acc.SubmitDeliverable(startup_id=parkly, key="kick-off", deliverable="v2.pdf"),
        ),
        (start + timedelta(days=8), acc.ApproveMilestone(startup_id=parkly, key="kick-off")),
        (
            start + timedelta(days=9),
            pay.RequestPayment(
                startup_id=parkly, milestone_key="kick-off", amount=Decimal(3000), iban=b.PARKLY_IBAN
            ),
        ),
        (
            start + timedelta(days=9),
            pay.RejectPayment(payment_id=f"{parkly}/kick-off/1", reason="wrong account"),
        ),
        (
            start + timedelta(days=10),
            pay.RequestPayment(
                startup_id=parkly, milestone_key="kick-off", amount=Decimal(3000), iban=b.PARKLY_IBAN
            ),
        ),
        (start + timedelta(days=11), pay.ApprovePayment(payment_id=paid)),
        (start + timedelta(days=11), pay.InstructPayment(payment_id=paid)),
        (start + timedelta(days=14), pay.RecordPaymentFailure(payment_id=paid, reason="AC04")),
        (start + timedelta(days=15), pay.RetryPayment(payment_id=paid)),
        (start + timedelta(days=18), pay.RecordDisbursement(payment_id=paid, bank_reference="SEPA-1")),
        (start + timedelta(days=20), acc.ReturnHardware(item_id="lidar-01")),
        (start + timedelta(days=70), acc.MarkMilestoneOverdue(startup_id=parkly, key="poc-design")),
        (
            start + timedelta(days=110),
            acc.SubmitDeliverable(startup_id=curbsense, key="poc-delivered", deliverable="poc.pdf"),
        ),
        (start + timedelta(days=111), acc.ApproveMilestone(startup_id=curbsense, key="poc-delivered")),
        (
            start + timedelta(days=112),
            pil.ProposePilot(startup_id=curbsense, pilot_city="mechelen", title="Curbs"),
        ),
        (start + timedelta(days=115), pil.ApprovePilot(startup_id=curbsense)),
        (start + timedelta(days=116), pil.StartPilot(startup_id=curbsense)),
        (
            start + timedelta(days=180),
            pil.CompletePilot(startup_id=curbsense, evaluation="not yet", rating=2),
        ),
        (start + timedelta(days=185), acc.TerminateParticipation(startup_id=curbsense, reason="no team")),
        (
            start + timedelta(days=110),
            acc.SubmitDeliverable(startup_id=parkly, key="poc-delivered", deliverable="poc.pdf"),
        ),
        (start + timedelta(days=111), acc.ApproveMilestone(startup_id=parkly, key="poc-delivered")),
        (start + timedelta(days=112), pil.ProposePilot(startup_id=parkly, pilot_city="brugge", title="Zand")),
        (start + timedelta(days=113), pil.CancelPilot(startup_id=parkly, reason="budget")),
        (
            start + timedelta(days=114),
            pil.ProposePilot(startup_id=parkly, pilot_city="brugge", title="Zand again"),
        ),
        (start + timedelta(days=115), pil.ApprovePilot(startup_id=parkly)),
        (start + timedelta(days=116), pil.StartPilot(startup_id=parkly)),
        (start + timedelta(days=180), pil.CompletePilot(startup_id=parkly, evaluation="works", rating=4)),
        (start + timedelta(days=190), acc.CompleteAccelerator(startup_id=parkly)),
        (
            start + timedelta(days=200),
            pil.RecordProcurement(
                startup_id=parkly,
                buyer_city="brugge",
                procedure="innovation-partnership",
                contract_value=Decimal(185000),
                awarded_on=start + timedelta(days=200),
            ),
        ),
        (start + timedelta(days=201), pil.RecordRollOut(startup_id=parkly, cities=("mechelen",))),
        (start + timedelta(days=202), pil.StopFollowUp(startup_id=curbsense, reason="no buyer")),
    ]
    steps += subscription_steps(start)
    return sorted(steps, key=lambda step: step[0])  # stable: one day's steps keep their order


def subscription_steps(day: date) -> list[tuple[date, Command]]:
    sub, sealed, moment = "sub-brugge01", "sealed:c2VjcmV0", at(day)
    return [
        (
            day,
            subs.Subscribe(
                subscription_id=sub,
                partner="brugge",
                url="https://erp.brugge.example/hooks",
                types=("milestones",),
                secret=sealed,
                since=moment,
            ),
        ),
        (day, subs.RotateSecret(subscription_id=sub, secret="sealed:bmV3", previous_valid_until=moment)),
        (day, subs.PauseSubscription(subscription_id=sub, reason="ERP upgrade")),
        (day, subs.ResumeSubscription(subscription_id=sub)),
        (day, subs.ReplaySubscription(subscription_id=sub, since=moment)),
        (day, subs.EndSubscription(subscription_id=sub, reason="moved to the feed")),
    ]  # stable: one day's steps keep their order


def test_every_command_writes_only_the_event_families_its_service_declares() -> None:
    spec = Spec(date(2027, 1, 4))
    for day, command in lifecycle():
        spec.on(day)
        families = {event.family for event in spec.when(command, ACTORS.get(type(command), "An Peeters"))}
        assert families <= set(WRITES[service_of(command)]), type(command).__name__
    assert set(WRITES) == set(SERVICES)


def test_each_command_type_is_taken_by_exactly_one_decider_of_one_service() -> None:
    owners = [command for deciders in SERVICES.values() for d in deciders for command in d.commands]
    assert len(owners) == len(set(owners)) == len(DECIDERS) == len(COMMANDS)
    assert all(service_of(command) in SERVICES for command in COMMANDS.values())


def test_every_command_appends_only_to_the_stream_of_the_aggregate_it_names() -> None:
    spec = Spec(date(2027, 1, 4))
    spec.store = store = RecordingStore()
    seen: set[str] = set()
    for day, command in lifecycle():
        spec.on(day)
        before = len(store.appended)
        assert spec.when(command, ACTORS.get(type(command), "An Peeters")), (
            f"{type(command).__name__} recorded nothing"
        )
        assert set(store.appended[before:]) == {stream_of(command)}, type(command).__name__
        seen.add(type(command).__name__)
    assert seen == set(COMMANDS), f"not exercised: {sorted(set(COMMANDS) - seen)}"


def test_in_the_demo_every_command_wrote_one_stream_named_by_its_key(embedded_demo: DemoRun) -> None:
    streams_by_command = defaultdict(set)
    for ce in embedded_demo.runtime.history():
        assert ce.stream is not None and ce.causationid is not None
        streams_by_command[ce.causationid].add(ce.stream)
        prefix = ce.stream.split("-", 1)[0]
        if prefix in KEYED_BY_SUBJECT:
            assert ce.stream == f"{prefix}-{ce.subject}", ce.type
    assert all(len(streams) == 1 for streams in streams_by_command.values())
    prefixes = {next(iter(s)).split("-", 1)[0] for s in streams_by_command.values()}
    assert {"challenge", "application", "selection", "outcome"} <= prefixes
