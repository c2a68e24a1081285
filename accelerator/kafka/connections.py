"""Kafka clients built from settings, with the timeouts a small cluster and its tests need."""

from __future__ import annotations

from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from accelerator.settings import Settings


def consumer(settings: Settings, group: str | None = None, **overrides: Any) -> KafkaConsumer:
    options: dict[str, Any] = dict(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        session_timeout_ms=settings.session_timeout_ms,
        heartbeat_interval_ms=max(settings.session_timeout_ms // 5, 500),
        max_poll_records=100,
        fetch_max_wait_ms=100,
    )
    return KafkaConsumer(**{**options, **overrides})


def producer(settings: Settings, transactional_id: str | None = None) -> KafkaProducer:
    options: dict[str, Any] = dict(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        acks="all",
        enable_idempotence=True,
        linger_ms=2,
        retries=10,
    )
    if transactional_id:
        options["transactional_id"] = transactional_id
        # A writer killed mid-transaction holds back every read_committed reader of the topics
        # it wrote to until its transaction times out (or its successor fences it): keep it short.
        options["transaction_timeout_ms"] = settings.transaction_timeout_ms
    return KafkaProducer(**options)


def assign_all(client: KafkaConsumer, topics: list[str], from_start: bool = True) -> list[TopicPartition]:
    """Read every partition of these topics without a consumer group."""
    partitions = [
        TopicPartition(topic, p) for topic in topics for p in sorted(client.partitions_for_topic(topic) or ())
    ]
    client.assign(partitions)
    if from_start:
        client.seek_to_beginning(*partitions)
    else:
        client.seek_to_end(*partitions)
    return partitions


def catch_up(client: KafkaConsumer, partitions: list[TopicPartition], timeout_ms: int = 30000) -> list[Any]:
    """Everything up to the current end of these partitions (committed transactions only)."""
    end = client.end_offsets(partitions)
    records: list[Any] = []
    waited = 0
    while any(client.position(tp) < end[tp] for tp in partitions):
        batch = client.poll(timeout_ms=100)
        for items in batch.values():
            records.extend(items)
        waited += 100 if not batch else 0
        if waited > timeout_ms:
            raise TimeoutError("kafka: could not read up to the end of the event topics in time")
    return records
