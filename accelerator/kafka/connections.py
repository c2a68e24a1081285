"""Kafka clients built from settings, that wait for a broker and for topics — visibly, and
only so long — instead of failing with a traceback when started in the wrong order.

Everything that cannot be waited out becomes `Unavailable`, whose message is the one line
the CLI prints (`kafka: topic accelerator.replies does not exist; run accelerator topics create`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError, KafkaTimeoutError
from tenacity import (
    RetryError,
    Retrying,
    retry_if_exception_type,
    stop_after_delay,
    stop_any,
    wait_exponential,
)
from tenacity.stop import stop_base

from accelerator.kafka.auth import AuthFailures, identity
from accelerator.runtime import Unavailable
from accelerator.settings import Settings

__all__ = [
    "Unavailable",
    "assign_all",
    "catch_up",
    "commit",
    "consumer",
    "ends",
    "partitions",
    "patiently",
    "producer",
    "starts",
]

log = logging.getLogger("accelerator.kafka")
T = TypeVar("T")
BOOTSTRAP_MS = 3000
"""How long one attempt to reach the broker takes before the next one (with backoff)."""
PRODUCE_RETRIES = 10
LINGER_MS = 2
REQUEST_MS = 30000
"""kafka-python's default time a request may take."""
DEFAULT_RETRY_MS = 100
RECONNECT_MAX_MS = 1000
"""The longest a client waits before it tries again a broker it could not reach. kafka-python's
default, 30 s, is Java's 1 s times thirty: a client that had failed a dozen times to reach a
stopped broker took up to half a minute to notice it back (a command's flush gave up first; a
worker sat idle). A worker back within a second may meet the restarted broker while its
transaction coordinator is still loading: its sends are refused until they run out of retries,
and `commit` then refuses the transaction (kafka-python would commit it)."""
TRANSACTION_RETRY_MS = 20
"""How long a transactional writer waits before asking again (kafka-python's default: 100 ms;
Java's client waits 20 ms after CONCURRENT_TRANSACTIONS, KAFKA-5477)."""


class _Missing(Exception):
    pass


class _Refused(stop_base):
    def __init__(self, watch: AuthFailures) -> None:
        self.watch = watch

    def __call__(self, retry_state: Any) -> bool:
        return self.watch.refused


def patiently(
    what: str,
    attempt: Callable[[], T],
    seconds: float,
    give_up: str,
    refused_as: str | None = None,
    refusal_is_final: bool = True,
) -> T:
    """Try until it works or `seconds` have passed, saying what it waits for; then `give_up`.

    A broker that refuses our credentials is no reason to wait: that ends it at once (unless
    `refusal_is_final` is False: a credential just set, which the broker may not apply yet)."""
    watch = AuthFailures.installed()
    watch.refused = False
    stop = stop_after_delay(seconds)
    try:
        for trying in Retrying(
            stop=stop_any(stop, _Refused(watch)) if refusal_is_final else stop,
            wait=wait_exponential(multiplier=0.2, max=5),
            retry=retry_if_exception_type((KafkaError, _Missing, OSError)),
            before_sleep=lambda state: log.warning("%s (retrying for up to %.0f s)", what, seconds),
            reraise=False,
        ):
            with trying:
                return attempt()
    except RetryError as error:
        if watch.refused:
            raise Unavailable(refused_as or give_up) from error.last_attempt.exception()
        raise Unavailable(give_up) from error.last_attempt.exception()
    raise AssertionError("unreachable")


def refused(settings: Settings) -> str:
    return (
        f"kafka: the broker at {settings.kafka_bootstrap_servers} refused the credentials of "
        f"{identity(settings).username}: a wrong password, or a principal it does not know "
        "(check ACCELERATOR_KAFKA_CREDENTIALS or ACCELERATOR_KAFKA_USERNAME/PASSWORD)"
    )


def options(settings: Settings) -> dict[str, Any]:
    """How to reach the broker, and as whom (accelerator/kafka/auth.py)."""
    return {"bootstrap_servers": settings.kafka_bootstrap_servers, **identity(settings).kafka_python()}


def no_broker(settings: Settings) -> str:
    return (
        f"kafka: no broker answers at {settings.kafka_bootstrap_servers} "
        "(start one: bash deploy/kafka.sh start)"
    )


def consumer(settings: Settings, group: str | None = None, **overrides: Any) -> KafkaConsumer:
    settings_options: dict[str, Any] = dict(
        bootstrap_timeout_ms=BOOTSTRAP_MS,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        session_timeout_ms=settings.session_timeout_ms,
        heartbeat_interval_ms=max(settings.session_timeout_ms // 5, 500),
        max_poll_records=100,
        fetch_max_wait_ms=settings.fetch_max_wait_ms,
        reconnect_backoff_max_ms=RECONNECT_MAX_MS,
    )
    return patiently(
        f"kafka: waiting for a broker at {settings.kafka_bootstrap_servers}",
        lambda: KafkaConsumer(**{**options(settings), **settings_options, **overrides}),
        settings.kafka_wait_seconds,
        no_broker(settings),
        refused(settings),
    )


def producer(
    settings: Settings,
    transactional_id: str | None = None,
    give_up_seconds: float | None = None,
    **overrides: Any,
) -> KafkaProducer:
    """A producer; with `give_up_seconds`, one whose sends fail once they have waited that long
    for the broker (kafka-python's default is two minutes, and its `close` then fails too)."""
    settings_options: dict[str, Any] = dict(
        bootstrap_timeout_ms=BOOTSTRAP_MS,
        acks="all",
        enable_idempotence=True,
        linger_ms=LINGER_MS,
        retries=PRODUCE_RETRIES,
        max_block_ms=int(settings.kafka_wait_seconds * 1000),
        reconnect_backoff_max_ms=RECONNECT_MAX_MS,
    )
    if transactional_id:
        settings_options["transactional_id"] = transactional_id
        # A transaction begun right after the last one was committed is refused
        # (CONCURRENT_TRANSACTIONS) until the broker has written the last one's markers, a few
        # ms; kafka-python 3.0.12 then waits its retry backoff, 100 ms, not the 20 ms its
        # transaction manager asks for (the sender sleeps its own config). A service's every
        # busy poll paid it: back-to-back transactions took 108 ms instead of 20 (bench/NOTES.md).
        # The same patience for a produce that fails: as many more tries as the wait is shorter.
        settings_options["retry_backoff_ms"] = TRANSACTION_RETRY_MS
        settings_options["retries"] = PRODUCE_RETRIES * DEFAULT_RETRY_MS // TRANSACTION_RETRY_MS
        # A writer killed mid-transaction holds back every read_committed reader of the topics
        # it wrote to until its transaction times out (or its successor fences it): keep it short.
        settings_options["transaction_timeout_ms"] = settings.transaction_timeout_ms
    if give_up_seconds:
        # kafka-python asks one request to fit in the time a send may take.
        request_ms = max(min(REQUEST_MS, int(give_up_seconds * 1000) - LINGER_MS), 1)
        settings_options["request_timeout_ms"] = request_ms
        settings_options["delivery_timeout_ms"] = LINGER_MS + request_ms
    return patiently(
        f"kafka: waiting for a broker at {settings.kafka_bootstrap_servers}",
        lambda: KafkaProducer(**{**options(settings), **settings_options, **overrides}),
        settings.kafka_wait_seconds,
        no_broker(settings),
        refused(settings),
    )


def commit(producer: KafkaProducer, sent: list[Any]) -> None:
    """Commit the producer's transaction once every send in it was taken; else raise the first
    send's error, and the caller aborts.

    kafka-python 3.0.12 commits a transaction even when one of its sends failed for good (a
    retriable error after the last retry: it fails that batch without making the transaction
    abortable, where Java's client refuses the commit). After a broker restart, sends refused
    while the transaction coordinator was loading ran out of retries and the commit went on:
    the consumer's offsets were committed without the commands they had caused."""
    taken(producer, sent)
    producer.commit_transaction()


def taken(producer: KafkaProducer, sent: list[Any], timeout: float | None = None) -> None:
    """Until every send is done; then the first one's error, if one failed: a flush returns
    once each batch is taken or given up, and does not say which."""
    producer.flush(timeout=timeout)
    for future in sent:
        future.get(timeout=0)


def partitions(client: KafkaConsumer, topics: list[str], seconds: float) -> list[TopicPartition]:
    """Every partition of these topics, waiting (so long) for topics not created yet."""

    def look() -> list[TopicPartition]:
        found = []
        for topic in topics:
            numbers = client.partitions_for_topic(topic)
            if not numbers:  # asking again fetches fresh metadata
                raise _Missing(topic)
            found += [TopicPartition(topic, p) for p in sorted(numbers)]
        return found

    missing = [t for t in topics if not client.partitions_for_topic(t)]
    return patiently(
        f"kafka: waiting for topic {', '.join(missing) or topics[0]}",
        look,
        seconds,
        f"kafka: topic {missing[0] if missing else topics[0]} does not exist; run accelerator topics create",
    )


def assign_all(
    client: KafkaConsumer, topics: list[str], from_start: bool = True, seconds: float = 30
) -> list[TopicPartition]:
    """Read every partition of these topics without a consumer group."""
    found = partitions(client, topics, seconds)
    client.assign(found)
    if from_start:
        client.seek_to_beginning(*found)
    else:
        client.seek_to_end(*found)
    return found


Offsets = dict[TopicPartition, int]


def ends(client: KafkaConsumer, partitions: list[TopicPartition], seconds: float = 30) -> Offsets:
    """Where each of these partitions ends (for a read_committed client: the last stable offset)."""
    return _offsets(client.end_offsets, partitions, seconds, "end")


def starts(client: KafkaConsumer, partitions: list[TopicPartition], seconds: float = 30) -> Offsets:
    """Where each of these partitions starts (its first offset still kept)."""
    return _offsets(client.beginning_offsets, partitions, seconds, "start")


def _offsets(
    ask: Callable[[list[TopicPartition]], Offsets],
    partitions: list[TopicPartition],
    seconds: float,
    what: str,
) -> Offsets:
    """kafka-python 3.0.12 leaves out of ListOffsets a partition whose leader it does not know
    at that moment (just after a broker restart) and then fails with a KeyError for it, where
    the Java client asks again: ask again here, so long, while the broker comes back. A broker
    that does not answer in time is not asked again: that is one line at once."""

    def attempt() -> Offsets:
        try:
            return dict(ask(partitions))
        except KeyError as missing:
            raise _Missing(f"no leader known yet for {missing.args[0]}") from None
        except KafkaTimeoutError as error:
            raise Unavailable(give_up) from error

    give_up = f"kafka: the broker did not say where the topics {what}; is it up?"
    return patiently(
        f"kafka: asking where {len(partitions)} partition(s) {what}",
        attempt,
        seconds,
        give_up,
    )


def catch_up(client: KafkaConsumer, partitions: list[TopicPartition], timeout_ms: int = 30000) -> list[Any]:
    """Everything up to the current end of these partitions (committed transactions only)."""
    end = ends(client, partitions, timeout_ms / 1000)
    records: list[Any] = []
    started = time.monotonic()
    while any(client.position(tp) < end[tp] for tp in partitions):
        batch = client.poll(timeout_ms=100)
        for items in batch.values():
            records.extend(items)
        if not batch and time.monotonic() - started > timeout_ms / 1000:
            raise Unavailable("kafka: could not read up to the end of the event topics in time")
    return records
