"""Finance on the real broker: the actor on every event, four eyes, the exporter worker writing
the pain.001 file from the finance topic, and no account data on a city's topic."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from accelerator import finance
from accelerator.kafka import connections
from accelerator.kafka.auth import ADMIN
from events import CloudEvent
from events.payments import PaymentInstructed
from services.kernel import Rejected, VirtualClock
from services.payments import commands as pay
from services.payments import sepa
from tests import builders as b
from tests.cluster import Cluster
from tests.fakes import at
from tests.kafka.programme import accelerate

pytestmark = pytest.mark.kafka

APPROVER, MANAGER = "Marie Claes", "Lotte Claes"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with Cluster(tmp_path_factory.mktemp("kafka-finance-logs")).start() as cluster:
        yield cluster


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(at(date(2027, 1, 4)))


def topic(cluster: Cluster, name: str) -> list[CloudEvent]:
    reader = connections.consumer(cluster.settings.model_copy(update={"kafka_role": ADMIN}))  # any topic
    try:
        records = connections.catch_up(reader, connections.assign_all(reader, [name]))
    finally:
        reader.close()
    return [CloudEvent.from_json(r.value) for r in records]


def test_every_event_names_its_actor_and_four_eyes_hold_on_kafka(
    cluster: Cluster, clock: VirtualClock
) -> None:
    runtime = cluster.runtime(clock)
    (startup,) = accelerate(runtime, clock, companies=1, challenge="brugge-eyes-2027")
    runtime.handle(
        pay.AgreeGrant(startup_id=startup, award=10000, iban=b.PARKLY_IBAN, account_holder="Sensor BV")
    )
    requested = runtime.handle(
        pay.RequestPayment(startup_id=startup, milestone_key="kick-off", iban=b.PARKLY_IBAN), actor=MANAGER
    )
    assert [type(e).__name__ for e in requested.events] == ["PaymentRequested"]
    with pytest.raises(Rejected, match="actor: Lotte Claes requested .*four eyes"):
        runtime.handle(pay.ApprovePayment(payment_id=f"{startup}/kick-off/1"), actor=MANAGER)
    runtime.handle(pay.ApprovePayment(payment_id=f"{startup}/kick-off/1"), actor=APPROVER)
    history = runtime.history(startup)
    assert history and all(ce.actor for ce in history)
    assert {ce.actor for ce in history} >= {MANAGER, APPROVER, "system:instructs-payments"}


def test_the_exporter_writes_the_file_the_payments_service_recorded(
    cluster: Cluster, clock: VirtualClock
) -> None:
    runtime = cluster.runtime(clock)
    (startup,) = accelerate(runtime, clock, companies=1, challenge="brugge-sepa-2027")
    runtime.handle(
        pay.AgreeGrant(startup_id=startup, award=10000, iban=b.PARKLY_IBAN, account_holder="Sensor BV")
    )
    runtime.handle(pay.RequestPayment(startup_id=startup, milestone_key="kick-off"), actor=MANAGER)
    runtime.handle(pay.ApprovePayment(payment_id=f"{startup}/kick-off/1"), actor=APPROVER)
    exported = finance.export(runtime, finance.export_command(cluster.settings))
    assert exported is not None and f"{startup}/kick-off/1/1" in exported.end_to_end_ids
    path = Path(cluster.settings.finance_outbox) / f"{exported.file_id}.xml"
    deadline = time.monotonic() + 60
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert path.read_bytes() == sepa.render(exported)
    assert finance.export(runtime, finance.export_command(cluster.settings)) is None, "nothing twice"
    instructed = [
        ce for ce in topic(cluster, cluster.names.finance) if ce.type == PaymentInstructed.event_type()
    ]
    mine = [ce for ce in instructed if ce.subject == startup]
    assert mine and mine[0].data["end_to_end_id"] == f"{startup}/kick-off/1/1" and mine[0].actor


def test_a_city_topic_carries_no_iban_bic_or_account_holder(cluster: Cluster, clock: VirtualClock) -> None:
    runtime = cluster.runtime(clock)
    (startup,) = accelerate(runtime, clock, companies=1, challenge="brugge-private-2027")
    runtime.handle(
        pay.AgreeGrant(
            startup_id=startup,
            award=10000,
            iban=b.PARKLY_IBAN,
            bic=b.PARKLY_BIC,
            account_holder="Lotte Parkly",
        )
    )
    runtime.handle(pay.RequestPayment(startup_id=startup, milestone_key="kick-off"), actor=MANAGER)
    runtime.handle(pay.ApprovePayment(payment_id=f"{startup}/kick-off/1"), actor=APPROVER)
    runtime.settle()
    wanted = {"accelerator.payments.grant_agreed.v1", PaymentInstructed.event_type()}
    deadline = time.monotonic() + 60  # the cities feed is its own consumer, behind the projector
    while True:
        events = [ce for ce in topic(cluster, cluster.names.city("brugge")) if ce.subject == startup]
        if wanted <= {ce.type for ce in events} or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert wanted <= {ce.type for ce in events}
    for ce in events:
        assert not {"iban", "bic", "account_holder", "lines", "debtor_iban"} & set(ce.data), ce.type
        assert b.PARKLY_IBAN not in ce.to_json() and b.PARKLY_BIC not in ce.to_json()
        assert "Lotte Parkly" not in ce.to_json()
