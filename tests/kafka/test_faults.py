"""Reliability against the real broker: crashes, redelivery, garbage, concurrency, a broker restart."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal

import pytest

from accelerator import queries
from accelerator.kafka import connections
from accelerator.kafka.client import KafkaRuntime
from accelerator.kafka.health import Health
from accelerator.kafka.messages import CommandMessage
from accelerator.kafka.workers import watched_topics
from events import CATALOGUE, EVENT_TYPES, CloudEvent, Event
from events.payments import PaymentDisbursed, PaymentInstructed, PaymentRejected, PaymentRequested
from events.schemas import redacted_schema_uri
from services.intake import commands as intake
from services.kernel import Command, Rejected, VirtualClock
from services.participation import commands as acc
from services.payments import commands as pay
from tests import builders as b
from tests.cluster import Cluster
from tests.fakes import at
from tests.kafka.programme import accelerate

pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with Cluster(tmp_path_factory.mktemp("kafka-fault-logs")).start() as cluster:
        yield cluster


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(at(date(2027, 1, 4)))


def events_on_log(cluster: Cluster) -> list[CloudEvent]:
    runtime = cluster.runtime(VirtualClock(at(b.COHORT_START)))
    return runtime.history()


def requests(startup: str) -> list[pay.RequestPayment | pay.ApprovePayment]:
    """Kick-off 3,000 and PoC 7,000, each requested and approved (the policy instructs it)."""
    return [
        command
        for key, amount in (("kick-off", 3000), ("poc-delivered", 7000))
        for command in (
            pay.RequestPayment(
                startup_id=startup, milestone_key=key, amount=Decimal(amount), iban=b.PARKLY_IBAN
            ),
            pay.ApprovePayment(payment_id=f"{startup}/{key}/1"),
        )
    ]


def disbursements(startup: str) -> list[pay.RecordDisbursement]:
    """Finance's answers, sent twice each (finance systems retry too)."""
    return [
        pay.RecordDisbursement(payment_id=f"{startup}/{key}/1", bank_reference=f"SEPA-{startup}-{key}")
        for key in ("kick-off", "poc-delivered", "kick-off", "poc-delivered")
    ]


def actor_for(command: Command) -> str | None:
    """Four eyes: payments are approved by someone else than the runtime's own actor."""
    return APPROVER if isinstance(command, pay.ApprovePayment) else None


APPROVER = "Marie Claes"


def burst(
    cluster: Cluster, runtime: KafkaRuntime, commands: list[Command], fault: Callable[[], None]
) -> None:
    """Send everything at once, hit the fault while it is being worked on, then every reply comes."""
    sent = [runtime.send(command, actor=actor_for(command)).command_id for command in commands]
    fault()
    replies = runtime.wait(sent)
    assert all(reply.ok for reply in replies), [reply.error for reply in replies if not reply.ok]


def assert_money_is_right(cluster: Cluster, startups: list[str]) -> None:
    log = events_on_log(cluster)
    ids = Counter(ce.id for ce in log)
    assert max(ids.values()) == 1, "an event was written twice"
    disbursed = [ce for ce in log if ce.type == PaymentDisbursed.event_type() and ce.subject in startups]
    per_payment = Counter(ce.data["payment_id"] for ce in disbursed)
    assert max(per_payment.values()) == 1, "a payment was disbursed twice"
    paid: dict[str, Decimal] = defaultdict(Decimal)
    for ce in disbursed:
        paid[ce.subject] += Decimal(ce.data["amount"])
    assert all(total <= Decimal(10000) for total in paid.values())
    views = {v.startup_id: v for v in cluster.runtimes[0].startups() if v.startup_id in startups}
    assert all(views[s].paid == paid[s] for s in startups)
    assert queries.rebuild(cluster.runtimes[0]).matches


def test_a_worker_killed_mid_stream_loses_nothing_and_doubles_nothing(
    cluster: Cluster, clock: VirtualClock
) -> None:
    runtime = cluster.runtime(clock)
    startups = accelerate(runtime, clock, companies=4, challenge="brugge-kill-2027")

    def kill_payments() -> None:  # in the middle: some done, one in a transaction, most waiting
        cluster.kill("payments")  # its supervisor starts a new one

    burst(cluster, runtime, [c for s in startups for c in requests(s)], kill_payments)
    burst(cluster, runtime, [c for s in startups for c in disbursements(s)], kill_payments)
    assert_money_is_right(cluster, startups)
    views = {v.startup_id: v for v in runtime.startups()}
    assert all(views[s].paid == Decimal(10000) for s in startups)


def test_the_projector_killed_with_the_payments_worker_mid_burst_heals_and_projects_everything_once(
    cluster: Cluster, clock: VirtualClock
) -> None:
    runtime = cluster.runtime(clock)
    startups = accelerate(runtime, clock, companies=4, challenge="brugge-projector-2027")

    def kill_both() -> None:  # the projector between its table, PostgreSQL and its offsets
        cluster.kill("payments")
        cluster.kill("projector")

    burst(cluster, runtime, [c for s in startups for c in requests(s)], kill_both)
    burst(cluster, runtime, [c for s in startups for c in disbursements(s)], kill_both)
    assert_money_is_right(cluster, startups)
    views = {v.startup_id: v for v in runtime.startups()}
    assert all(views[s].paid == Decimal(10000) for s in startups)
    assert cluster.restarts("projector") >= 2 and cluster.restarts("payments") >= 2


def test_a_second_payments_worker_shares_the_partitions_and_the_rules(
    cluster: Cluster, clock: VirtualClock
) -> None:
    runtime = cluster.runtime(clock)
    startups = accelerate(runtime, clock, companies=6, challenge="mechelen-scale-2027")
    cluster.start("payments", instance="2")  # joins the group: a rebalance while commands flow
    burst(cluster, runtime, [c for s in startups for c in requests(s)], lambda: None)
    burst(
        cluster,
        runtime,
        [c for s in startups for c in disbursements(s)],
        lambda: cluster.remove("payments-2"),
    )
    assert_money_is_right(cluster, startups)


def test_a_redelivered_command_changes_nothing(cluster: Cluster, clock: VirtualClock) -> None:
    runtime = cluster.runtime(clock)
    (startup,) = accelerate(runtime, clock, companies=1, challenge="brugge-twice-2027")
    command = pay.RequestPayment(
        startup_id=startup, milestone_key="kick-off", amount=Decimal(3000), iban=b.PARKLY_IBAN
    )
    message = CommandMessage.of(command, clock.now(), cluster.names.replies)
    for _ in range(3):  # the same message, as a producer retry or a replayed partition would send it
        runtime.producer.send(
            cluster.names.commands("payments"), key=startup.encode(), value=message.model_dump_json().encode()
        )
    runtime.flush()
    (reply,) = runtime.wait([message.command_id])
    assert [ce.type for ce in reply.events] == [PaymentRequested.event_type()]
    runtime.tick()  # any command after them: the three copies have been consumed by now
    requested = [
        ce
        for ce in events_on_log(cluster)
        if ce.subject == startup and ce.type == PaymentRequested.event_type()
    ]
    assert len(requested) == 1
    (view,) = [v for v in runtime.startups() if v.startup_id == startup]
    assert view.payments[f"{startup}/kick-off/1"].status == "requested"


def test_malformed_messages_go_to_the_dead_letter_topic_and_the_consumer_goes_on(
    cluster: Cluster, clock: VirtualClock
) -> None:
    runtime = cluster.runtime(clock)
    topic = cluster.names.commands("intake")
    garbage = [
        b"this is not JSON {",
        json.dumps(
            {"command_id": "c-1", "type": "LaunchRocket", "issued_at": clock.now().isoformat(), "data": {}}
        ).encode(),
        json.dumps(
            {
                "command_id": "c-2",
                "type": "OpenCall",
                "issued_at": clock.now().isoformat(),
                "data": {"challenge_id": "Not A Slug!"},
            }
        ).encode(),
    ]
    for value in garbage:
        runtime.producer.send(topic, key=b"garbage", value=value, headers=[("origin", b"fault-test")])
    runtime.flush()
    # Only a service's principal may write an event topic (the client's is refused): as the admin.
    admin = connections.producer(cluster.settings.model_copy(update={"kafka_role": "admin"}))
    admin.send(cluster.names.events("programme"), key=b"garbage", value=b"\x00\x01 not an event")
    admin.flush()
    admin.close()
    with pytest.raises(Rejected, match="challenge_id: no challenge nowhere-2027 has been published"):
        runtime.handle(
            __import__("services.intake.commands", fromlist=["OpenCall"]).OpenCall(
                challenge_id="nowhere-2027"
            )
        )
    letters = runtime.dead_letters()
    reasons = [letter.reason for letter in letters]
    assert any("malformed command" in r and "Invalid JSON" in r for r in reasons)
    assert any("unknown command type 'LaunchRocket'" in r for r in reasons)
    assert any("malformed command" in r and "challenge_id" in r for r in reasons)
    assert any(letter.headers == {"origin": "fault-test"} for letter in letters)
    runtime.settle()  # the projector went past the unreadable event too
    assert any("unreadable event" in letter.reason for letter in runtime.dead_letters())


def test_two_concurrent_requests_can_never_together_pass_the_cap(
    cluster: Cluster, clock: VirtualClock
) -> None:
    first = cluster.runtime(clock)
    (startup,) = accelerate(first, clock, companies=1, challenge="brugge-race-2027")
    second = cluster.runtime(VirtualClock(clock.now()))
    outcomes: dict[str, list[Event]] = {}
    barrier = threading.Barrier(2)

    def request(name: str, runtime: KafkaRuntime, key: str) -> None:
        barrier.wait()
        outcomes[name] = runtime.handle(
            pay.RequestPayment(
                startup_id=startup, milestone_key=key, amount=Decimal(6000), iban=b.PARKLY_IBAN
            )
        ).events

    threads = [
        threading.Thread(target=request, args=("a", first, "kick-off")),
        threading.Thread(target=request, args=("b", second, "poc-delivered")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    kinds = sorted(type(e).__name__ for events in outcomes.values() for e in events)
    assert kinds == ["PaymentRejected", "PaymentRequested"]
    (refused,) = [e for events in outcomes.values() for e in events if isinstance(e, PaymentRejected)]
    assert "above the EUR 10,000 cap" in refused.reason


def test_partner_cities_read_only_their_own_events_without_personal_data(
    cluster: Cluster, clock: VirtualClock
) -> None:
    runtime = cluster.runtime(clock)
    (startup,) = accelerate(runtime, clock, companies=1, challenge="brugge-cities-2027")
    for command in requests(startup):  # the IBAN travels with the request and the instruction
        runtime.handle(command, actor=actor_for(command))
    caught_up(cluster, "cities")
    reader = connections.consumer(cluster.settings)
    try:
        partitions = connections.assign_all(reader, [cluster.names.city("brugge")])
        records = connections.catch_up(reader, partitions)
    finally:
        reader.close()
    events = [CloudEvent.from_json(r.value) for r in records]
    types = {ce.type for ce in events}
    assert {PaymentRequested.event_type(), PaymentInstructed.event_type()} <= types, (
        "no payment reached the city"
    )
    assert all(ce.city == "brugge" for ce in events)
    text = " ".join(r.value.decode() for r in records)
    assert "contact" not in text and "founder0@example.be" not in text
    assert "iban" not in text and b.PARKLY_IBAN not in text
    private = {cls.event_type() for cls in CATALOGUE if cls.private}
    assert all(ce.dataschema == redacted_schema_uri(EVENT_TYPES[ce.type]) for ce in events)
    assert any("/city/" in (ce.dataschema or "") for ce in events if ce.type in private)


def caught_up(cluster: Cluster, worker: str, timeout: float = 120) -> None:
    """Until the worker's consumer group has done every record on its topics."""
    health = Health(cluster.settings)
    try:
        deadline = time.monotonic() + timeout
        topics = watched_topics(worker, cluster.settings)
        while health.group(cluster.names.group(worker), topics).total_lag:
            assert time.monotonic() < deadline, f"{worker} did not catch up in {timeout:g} s"
            time.sleep(0.5)
    finally:
        health.close()


def test_a_policy_commits_what_it_read_when_none_of_it_was_for_it(
    cluster: Cluster, clock: VirtualClock
) -> None:
    """The last events each policy read ask nothing of it, so it writes nothing: its offsets
    are committed all the same (without a transaction), and it shows no lag."""
    runtime = cluster.runtime(clock)
    (startup,) = accelerate(runtime, clock, companies=1, challenge="mechelen-nothing-for-policies-2027")
    # Its call opens after every day this module's tests tick on: a later test sets the clock
    # back, and its tick would open the call with an event dated before the call's publication.
    call = b.published(opens=date(2030, 1, 7), closes=date(2030, 2, 8)).model_dump()
    published = call | {"challenge_id": "mechelen-read-by-policies-2030"}
    runtime.handle(intake.PublishChallenge(**published))  # programme family: no cohort started
    runtime.handle(acc.SubmitDeliverable(startup_id=startup, key="poc-design", deliverable="design.pdf"))
    for policy in ("starts-accelerators", "requests-tranches"):
        caught_up(cluster, policy, timeout=60)


def test_the_broker_stopped_and_restarted_mid_stream(cluster: Cluster, clock: VirtualClock) -> None:
    runtime = cluster.runtime(clock)
    startups = accelerate(runtime, clock, companies=2, challenge="brugge-outage-2027")

    def restart_broker() -> None:
        cluster.broker("stop")
        cluster.broker("start")

    burst(cluster, runtime, [c for s in startups for c in requests(s)], restart_broker)
    burst(cluster, runtime, [c for s in startups for c in disbursements(s)], lambda: None)
    assert_money_is_right(cluster, startups)


def test_commands_sent_together_are_decided_in_order_each_seeing_the_ones_before(
    cluster: Cluster, clock: VirtualClock
) -> None:
    """One flush, one partition: the service takes them as one batch and one transaction."""
    from services.intake import commands as intake

    runtime = cluster.runtime(clock)
    challenge = "mechelen-together-2027"
    publish = intake.PublishChallenge(
        challenge_id=challenge,
        city_id="mechelen",
        domain="mobility",
        title="Decided together",
        opens_on=date(2027, 1, 4),
        closes_on=date(2027, 2, 4),
    )
    commands = [
        publish,
        intake.OpenCall(challenge_id=challenge),
        publish,
        intake.OpenCall(challenge_id=challenge),
    ]
    sent = [runtime.send(command, flush=False) for command in commands]
    runtime.flush()
    replies = runtime.wait([message.command_id for message in sent])[: len(sent)]
    assert [reply.ok for reply in replies] == [True, True, False, False]
    assert "already" in (replies[2].error or "") and "already" in (replies[3].error or "")
    assert [ce.type.split(".")[2] for reply in replies for ce in reply.events] == [
        "challenge_published",
        "call_opened",
    ]
