"""Provision every topic of the registry with the kafka-python admin client; idempotent."""

from __future__ import annotations

from dataclasses import dataclass

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError

from accelerator.kafka import connections
from accelerator.kafka.auth import ADMIN
from accelerator.kafka.topics import Names
from accelerator.settings import Settings
from events.topics import Topic, registry
from services.routing import SERVICES


@dataclass
class Provisioned:
    created: list[str]
    existing: list[str]


def admin(settings: Settings, role: str | None = None) -> KafkaAdminClient:
    """An admin client as this process's principal, or as `role` (`admin`: provisioning)."""
    if role is not None:
        settings = settings.model_copy(update={"kafka_role": role})
    return connections.patiently(
        f"kafka: waiting for a broker at {settings.kafka_bootstrap_servers}",
        lambda: KafkaAdminClient(
            **connections.options(settings),
            request_timeout_ms=30000,
            bootstrap_timeout_ms=connections.BOOTSTRAP_MS,
            reconnect_backoff_max_ms=connections.RECONNECT_MAX_MS,
        ),
        settings.kafka_wait_seconds,
        connections.no_broker(settings),
        connections.refused(settings),
    )


def topics(settings: Settings, cities: tuple[str, ...] = ()) -> list[Topic]:
    """Every topic this deployment needs, as the registry describes them."""
    partners = tuple(dict.fromkeys((*settings.cities, *cities)))
    return registry(tuple(SERVICES), partners)


def create_topics(settings: Settings, cities: tuple[str, ...] = ()) -> Provisioned:
    names = Names(settings.topic_prefix)
    wanted = topics(settings, cities)
    client = admin(settings, ADMIN)
    try:
        existing = set(client.list_topics())
        result = Provisioned([], [])
        for topic in wanted:
            name = names.prefix + topic.name
            created = name not in existing and create(client, settings, name, topic)
            (result.created if created else result.existing).append(name)
        return result
    finally:
        client.close()


def create(client: KafkaAdminClient, settings: Settings, name: str, topic: Topic) -> bool:
    """Create one topic; False if it exists already (another provisioner may be quicker)."""
    config = topic.kafka_config()
    try:
        client.create_topics(
            [NewTopic(name, settings.partitions, settings.replication_factor, topic_configs=config)]
        )
    except TopicAlreadyExistsError:
        return False
    return True


def create_database(settings: Settings, name: str) -> str:
    """A new, empty PostgreSQL database beside the configured one (tests, benchmarks)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(settings: Settings, url: str) -> None:
    """Drop a database `create_database` made beside the configured one, ending whatever is
    still connected to it (a worker killed mid-transaction may be)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    if name == make_url(settings.database_url).database:
        raise ValueError(f"database: {name} is the configured read model, not one made beside it")
    engine = create_engine(settings.database_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()
