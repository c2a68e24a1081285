"""The broker enforces who reads what (SASL/SCRAM principals and ACLs), after the demo ran on it
with every worker as its own principal: a city reads its own topic and nothing else."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import GroupAuthorizationFailedError, KafkaError, TopicAuthorizationFailedError
from pydantic import SecretStr
from typer.testing import CliRunner

from accelerator.cli import app
from accelerator.kafka import connections
from accelerator.kafka.principals import secured, taken
from accelerator.runtime import Unavailable
from accelerator.settings import Settings
from events import CloudEvent
from tests.cluster import require_servers
from tests.conftest import DemoRun

pytestmark = pytest.mark.kafka
Cli = Callable[..., str]


@pytest.fixture(scope="module")
def settings(kafka_demo: DemoRun) -> Settings:
    assert kafka_demo.cluster is not None
    if not secured(kafka_demo.cluster.settings):
        pytest.skip("the broker is not secured (KAFKA_PLAINTEXT=1)")
    return kafka_demo.cluster.settings


@pytest.fixture(scope="module")
def cli(settings: Settings) -> Cli:
    env = {
        "ACCELERATOR_RUNTIME": "kafka",
        "ACCELERATOR_TOPIC_PREFIX": settings.topic_prefix,
        "ACCELERATOR_DATABASE_URL": settings.database_url,
        "ACCELERATOR_KAFKA_CREDENTIALS": str(settings.kafka_credentials),
    }

    def run(*args: str, code: int = 0) -> str:
        result = CliRunner().invoke(app, list(args), env=env)
        assert result.exit_code == code, result.output + result.stderr
        return result.stdout if code == 0 else result.stderr

    return run


def issued(output: str) -> tuple[str, str]:
    user = re.search(r"username=(\S+)", output)
    password = re.search(r"password=(\S+)", output)
    assert user and password, output
    return user.group(1), password.group(1)


@pytest.fixture(scope="module")
def brugge(cli: Cli) -> Iterator[tuple[str, str]]:
    yield issued(cli("cities", "add", "brugge"))


@pytest.fixture(scope="module")
def finance(cli: Cli) -> tuple[str, str]:
    return issued(cli("finance", "add"))


def as_(settings: Settings, user: str, password: str, **options: Any) -> KafkaConsumer:
    return KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        security_protocol="SASL_PLAINTEXT",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_plain_username=user,
        sasl_plain_password=password,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        **options,
    )


def read_all(
    settings: Settings, user: str, password: str, topic: str, group: str | None = None
) -> list[CloudEvent]:
    reader = as_(settings, user, password, group_id=group)
    try:
        partitions = [TopicPartition(topic, p) for p in range(settings.partitions)]
        end = reader.end_offsets(partitions)  # refused here for a topic it may not read
        reader.assign(partitions)
        if group:
            for tp in partitions:
                reader.seek(tp, 0)
        records: list[Any] = []
        while any(reader.position(tp) < end[tp] for tp in partitions):
            for batch in reader.poll(timeout_ms=500).values():
                records.extend(batch)
        if group:
            reader.commit()
        return [CloudEvent.from_json(r.value) for r in records]
    finally:
        reader.close()


def refused(settings: Settings, user: str, password: str, topic: str) -> None:
    with pytest.raises(TopicAuthorizationFailedError):
        read_all(settings, user, password, topic)


def test_a_city_reads_its_own_topic_with_its_own_consumer_group(
    settings: Settings, brugge: tuple[str, str]
) -> None:
    events = read_all(
        settings,
        *brugge,
        settings.topic_prefix + "accelerator.city.brugge",
        f"{settings.topic_prefix}city.brugge.erp",
    )
    assert events and all(ce.city == "brugge" for ce in events)


def test_a_city_is_refused_every_other_topic(settings: Settings, brugge: tuple[str, str]) -> None:
    prefix = settings.topic_prefix
    for topic in (
        "accelerator.city.mechelen",
        "accelerator.finance.payments",
        "accelerator.events.applications",
        "accelerator.events.payments",
        "accelerator.replies",
        "accelerator.dlq",
        "accelerator.commands.payments",
    ):
        refused(settings, *brugge, prefix + topic)


def test_a_city_may_not_use_another_citys_consumer_groups(
    settings: Settings, brugge: tuple[str, str]
) -> None:
    with pytest.raises(GroupAuthorizationFailedError):
        read_all(
            settings,
            *brugge,
            settings.topic_prefix + "accelerator.city.brugge",
            f"{settings.topic_prefix}city.mechelen.erp",
        )


def test_a_city_writes_nowhere(settings: Settings, brugge: tuple[str, str]) -> None:
    producer = KafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        security_protocol="SASL_PLAINTEXT",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_plain_username=brugge[0],
        sasl_plain_password=brugge[1],
        max_block_ms=10000,
        enable_idempotence=False,
    )
    try:
        with pytest.raises(KafkaError):
            producer.send(settings.topic_prefix + "accelerator.city.brugge", b"forged").get(timeout=10)
    finally:
        producer.close(timeout=5)


def test_finance_reads_the_finance_topic_only(settings: Settings, finance: tuple[str, str]) -> None:
    prefix = settings.topic_prefix
    payments = read_all(settings, *finance, prefix + "accelerator.finance.payments")
    assert payments and all(ce.family == "payments" for ce in payments)
    for topic in ("accelerator.city.brugge", "accelerator.events.applications", "accelerator.replies"):
        refused(settings, *finance, prefix + topic)


def test_a_wrong_password_is_refused_in_one_line(settings: Settings, brugge: tuple[str, str]) -> None:
    wrong = settings.model_copy(
        update={
            "kafka_username": brugge[0],
            "kafka_password": SecretStr("not-the-password"),
            "kafka_wait_seconds": 10,
        }
    )
    with pytest.raises(Unavailable, match=f"refused the credentials of {brugge[0]}: a wrong password"):
        connections.consumer(wrong)


def test_a_credential_just_set_is_tried_until_the_broker_takes_it_and_not_for_ever(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The broker applies a credential after its controller has committed it, and refuses a
    login in between as if the password were wrong: provisioning tries a login with the
    credential it just set until the broker takes it (a wrong password above is refused at
    once). One the broker never takes ends the wait in one line."""
    require_servers()
    never = Settings(runtime="kafka")
    if not secured(never):
        pytest.skip("the broker is not secured (KAFKA_PLAINTEXT=1)")
    user = f"never-set-{uuid.uuid4().hex[:8]}"
    refusal = f"has not taken a login with the new credential of {user} within 4 s"
    with (
        caplog.at_level(logging.WARNING, logger="accelerator.kafka"),
        pytest.raises(Unavailable, match=refusal),
    ):
        taken(never, user, "not-its-password", seconds=4)
    assert f"waiting for the broker to take the new credential of {user}" in caplog.text


def test_a_worker_principal_reads_only_what_it_consumes(settings: Settings) -> None:
    from accelerator.kafka.auth import identity

    policy = identity(settings.model_copy(update={"kafka_role": "instructs-payments"}))
    assert policy.username and policy.password
    read_all(
        settings, policy.username, policy.password, settings.topic_prefix + "accelerator.events.payments"
    )
    refused(
        settings, policy.username, policy.password, settings.topic_prefix + "accelerator.events.applications"
    )


def test_cities_list_shows_each_city_its_principal_and_acls_and_remove_revokes_them(
    settings: Settings, cli: Cli, tmp_path: Path
) -> None:
    issued(cli("cities", "add", "gent"))
    listing = cli("cities", "list")
    assert "gent" in listing and f"{settings.topic_prefix}accelerator-city-gent" in listing
    assert "READ topic" in listing
    assert "gent: has a principal already" in cli("cities", "add", "gent", code=1)
    assert "revoked" in cli("cities", "remove", "gent")
    listing = cli("cities", "list")
    line = next(line for line in listing.splitlines() if " gent " in line)
    assert "accelerator-city-gent" not in line, "no principal left"
