"""The Kafka figures of `accelerator bench --kafka` (servers running: deploy/kafka.sh and
deploy/postgres.sh). Every run gets its own topic prefix and PostgreSQL database.

- projector catch-up: the first N events of the history put on the event topics (untimed,
  keyed by subject, as the services write them), then the projector worker started; timed
  until its committed offsets reach the end of every event partition (the read model is
  then written: it commits after each PostgreSQL transaction). Baselines, on topics loaded
  the same way: a bare aiokafka loop and a bare kafka-python loop reading every record.
- round trip (round_trip.py): commands at a steady offered rate, send to reply and command
  to projected row, p50/p95/p99/max.
- the demo over the broker, beside the embedded one.
"""

from __future__ import annotations

import asyncio
import atexit
import sqlite3
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accelerator.bench.arguments import MOST_EVENTS, store_file, whole
from accelerator.progress import events_bar
from accelerator.settings import Settings

if TYPE_CHECKING:
    from accelerator.bench.suite import Figure, Results
    from accelerator.kafka.health import GroupHealth

Result = tuple[float, int, dict[str, Any]]


def namespace(tag: str = "") -> Settings:
    """Fresh topics and a fresh read model database for one run."""
    from accelerator.kafka.admin import create_database, create_topics
    from accelerator.kafka.cluster import with_own_principals
    from accelerator.kafka.principals import secured

    tag = tag or uuid.uuid4().hex[:8]
    base = Settings(runtime="kafka")
    settings = base.model_copy(
        update={"topic_prefix": f"bench{tag}.", "database_url": create_database(base, f"bench_{tag}")}
    )
    if secured(settings):  # each worker its own principal, as in production
        settings = with_own_principals(settings, Path(tempfile.mkdtemp(prefix="accelerator-bench-")))
    create_topics(settings)
    atexit.register(_remove, base, settings)  # a figure is a process of its own: its namespace goes with it
    return settings


def _remove(base: Settings, settings: Settings) -> None:
    """The namespace's topics and ACLs off the broker, so that the next run does not pay for them
    (the broker checks each request against every ACL), and its read model's database."""
    from kafka.errors import KafkaError
    from sqlalchemy.exc import SQLAlchemyError

    from accelerator.kafka.admin import drop_database
    from accelerator.kafka.principals import remove_namespace
    from accelerator.runtime import Unavailable

    try:
        remove_namespace(settings.model_copy(update={"kafka_wait_seconds": 5}))
    except (Unavailable, KafkaError, OSError) as error:
        print(f"bench: namespace {settings.topic_prefix} left on the broker: {error}")
    try:
        drop_database(base, settings.database_url)
    except SQLAlchemyError as error:
        print(f"bench: database of {settings.topic_prefix} left on PostgreSQL: {error}")


def preload(settings: Settings, store: Path, events: int) -> int:
    """The history's first `events` events on the event topics, as the services put them."""
    from accelerator.kafka import connections
    from accelerator.kafka.auth import operator
    from accelerator.kafka.topics import Names

    # Only the services may write event topics: the operator loads them for the run.
    names, producer = Names(settings.topic_prefix), connections.producer(operator(settings))
    source = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    rows = source.execute(
        "SELECT family, subject, envelope FROM event_log ORDER BY position LIMIT ?", (events,)
    )
    sent = 0
    with events_bar("loading the event topics", events) as advance:
        while page := rows.fetchmany(5_000):
            sending = [
                producer.send(names.events(family), key=subject.encode(), value=envelope.encode())
                for family, subject, envelope in page
            ]
            producer.flush()
            for future in sending:
                future.get(timeout=30)  # a refused write says so here, not as empty topics later
            sent += len(page)
            advance(len(page))
    producer.close()
    source.close()
    return sent


def ends(settings: Settings) -> dict[Any, int]:
    from accelerator.kafka import connections
    from accelerator.kafka.topics import Names

    reader = connections.consumer(settings)
    try:
        partitions = connections.assign_all(reader, Names(settings.topic_prefix).all_events())
        return connections.ends(reader, partitions)
    finally:
        reader.close()


def projector_catch_up(store: str, events: str) -> Result:
    """The projector worker from start until it has committed every event partition's end."""
    from accelerator.kafka.admin import admin
    from accelerator.kafka.health import committed_offsets
    from accelerator.kafka.topics import Names
    from accelerator.kafka.workers import spawn

    history, first = store_file(store), whole("events", events, MOST_EVENTS)
    settings = namespace()
    count = preload(settings, history, first)
    wanted, group = ends(settings), Names(settings.topic_prefix).group("projector")
    client = admin(settings)
    started = time.perf_counter()
    worker = spawn("projector", settings)
    try:
        with events_bar("waiting for the projector", count) as advance:
            done = 0
            while done < sum(wanted.values()):
                committed = committed_offsets(settings, group, client)
                now = sum(min(committed.get(tp, 0), end) for tp, end in wanted.items())
                advance(now - done)
                done = now
                time.sleep(0.05)
        seconds = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(30)
        client.close()
    return seconds, count, {"rows": _rows(settings)}


def _rows(settings: Settings) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(settings.database_url)
    with engine.connect() as connection:
        found = int(connection.execute(text("SELECT COUNT(*) FROM startup_view")).scalar() or 0)
    engine.dispose()
    return found


def kafka_python_loop(store: str, events: str) -> Result:
    """Bare kafka-python: every record of the event topics read, nothing done with it."""
    from accelerator.kafka import connections
    from accelerator.kafka.topics import Names

    history, first = store_file(store), whole("events", events, MOST_EVENTS)
    settings = namespace()
    preload(settings, history, first)
    reader = connections.consumer(settings, max_poll_records=5_000)
    started = time.perf_counter()
    partitions = connections.assign_all(reader, Names(settings.topic_prefix).all_events())
    end, count = connections.ends(reader, partitions), 0
    while any(reader.position(tp) < end[tp] for tp in partitions):
        count += sum(len(records) for records in reader.poll(timeout_ms=200).values())
    seconds = time.perf_counter() - started
    reader.close()
    return seconds, count, {}


def aiokafka_loop(store: str, events: str) -> Result:
    """Bare aiokafka: every record of the event topics read, nothing done with it."""
    from accelerator.kafka.topics import Names

    history, first = store_file(store), whole("events", events, MOST_EVENTS)
    settings = namespace()
    preload(settings, history, first)
    return asyncio.run(_aiokafka(settings, Names(settings.topic_prefix).all_events()))


async def _aiokafka(settings: Settings, topics: list[str]) -> Result:
    from aiokafka import AIOKafkaConsumer, TopicPartition

    from accelerator.kafka import connections
    from accelerator.kafka.auth import identity

    # aiokafka's topics() returns fresh metadata without keeping it for partitions_for_topic:
    # the partitions are looked up with kafka-python first (one metadata request, untimed).
    lookup = connections.consumer(settings)
    partitions = [
        TopicPartition(tp.topic, tp.partition)
        for tp in connections.partitions(lookup, topics, settings.kafka_wait_seconds)
    ]
    lookup.close()
    reader = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        **identity(settings).aiokafka(),
        enable_auto_commit=False,
        isolation_level="read_committed",
        auto_offset_reset="earliest",
    )
    await reader.start()
    try:
        started = time.perf_counter()
        reader.assign(partitions)
        await reader.seek_to_beginning(*partitions)
        end, count = await reader.end_offsets(partitions), 0
        while any([await reader.position(tp) < end[tp] for tp in partitions]):
            batch = await reader.getmany(timeout_ms=200, max_records=5_000)
            count += sum(len(records) for records in batch.values())
        return time.perf_counter() - started, count, {}
    finally:
        await reader.stop()


def started(settings: Settings, timeout: float = 180) -> float:
    """Wait until every worker's consumer group is stable with a member (what `accelerator
    status` shows as alive); the seconds it took. A figure that is about work, not start-up,
    starts after this: 14 worker processes importing the project on 2 cores take ~15 s."""
    from accelerator.kafka.auth import operator
    from accelerator.kafka.health import Health
    from accelerator.kafka.topics import Names
    from accelerator.kafka.workers import WORKERS, watched_topics

    began, group = time.perf_counter(), Names(settings.topic_prefix).group
    health = Health(operator(settings))
    names = [name for name in WORKERS if watched_topics(name, settings)]
    try:
        while names:
            names = [n for n in names if not _stable(health.group(group(n), watched_topics(n, settings)))]
            if names and time.perf_counter() - began > timeout:
                raise TimeoutError(f"workers not up after {timeout:.0f} s: {', '.join(names)}")
            time.sleep(0.2)
    finally:
        health.close()
    return time.perf_counter() - began


def _stable(group: GroupHealth) -> bool:
    return group.members > 0 and group.state == "Stable"


def kafka_demo() -> Result:
    """The demo over the broker with every worker (the embedded one is `demo`), timed from
    when every worker is up (as an operator runs it: `accelerator up` first); the start-up
    itself is reported beside it."""
    from datetime import datetime
    from datetime import time as clock_time

    from accelerator.demo import START, run_demo
    from accelerator.kafka.workers import WORKERS, spawn
    from services.kernel import PROGRAMME_TZ, VirtualClock

    settings = namespace()
    workers = [spawn(name, settings) for name in WORKERS]
    try:
        ready = started(settings)
        clock = VirtualClock(datetime.combine(START, clock_time(9), PROGRAMME_TZ))
        began = time.perf_counter()
        runtime = _counted()(settings, clock)
        with tempfile.TemporaryDirectory() as folder:
            run_demo(runtime, clock, say=lambda _line: None, folder=Path(folder))
        runtime.startups()  # projected into PostgreSQL, too
        seconds = time.perf_counter() - began
        events = len(runtime.history())
        runtime.close()
        return seconds, events, {"workers_up_s": ready, "waits": runtime.waits}
    finally:
        stop(workers)


def _counted() -> type:
    from accelerator.kafka.client import KafkaRuntime
    from accelerator.kafka.messages import Reply

    class Counted(KafkaRuntime):
        """The runtime, counting its waits for a reply not yet read: the demo's hops one after
        the other (a policy's reaction counts one, though it is two: event to policy, command
        to service). `floor.hop`'s sequential answers bound each."""

        waits = 0

        def _replies(self, command_ids: list[str]) -> list[Reply]:
            self.waits += any(c not in self.seen for c in command_ids)
            return super()._replies(command_ids)

    return Counted


def stop(workers: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM, and SIGKILL for any worker still there after 30 s (a figure must end)."""
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def kafka_figures(store: str, events: int) -> list[Figure]:
    from accelerator.bench.suite import PROBE, Figure

    def probe(name: str, *args: str) -> list[str]:
        return [*PROBE, f"kafka-{name}", *args]

    loaded = (store, str(events))
    return [
        Figure("kafka-projector", f"Kafka projector, {events:,} events", probe("projector", *loaded), "events/s"),  # noqa: E501
        Figure("kafka-aiokafka", "bare aiokafka loop, same topics", probe("aiokafka", *loaded), "events/s"),
        Figure("kafka-python", "bare kafka-python loop, same topics", probe("python", *loaded), "events/s"),
        Figure("kafka-rt-50", "round trip at 50 commands/s", probe("round-trip", "50"), "commands/s"),
        Figure("kafka-rt-200", "round trip at 200 commands/s", probe("round-trip", "200"), "commands/s"),
        Figure("kafka-demo", "`accelerator demo` over Kafka, workers up", probe("demo"), "s"),
        # the bounds the fixed choices set (floor.py)
        Figure("kafka-fold", "the projector's fold alone, in memory", probe("fold", *loaded), "events/s"),
        Figure("kafka-hop", "bare transactional echo at 50/s, no domain", probe("hop", "50"), "commands/s"),
        Figure("kafka-hop-plain", "the same echo without a transaction", probe("hop", "50", "plain"), "commands/s"),  # noqa: E501
    ]  # fmt: skip


def kafka_targets(results: Results, line: Callable[[str, str, bool], str]) -> list[str]:
    def latency(key: str, name: str) -> float:
        return results.median_extra(key, name)

    projector = results.value(next(f for f in results.figures if f.key == "kafka-projector"))
    share = results.paired_ratio("kafka-projector", "kafka-aiokafka", "events/s")
    fold = results.paired_ratio("kafka-fold", "kafka-aiokafka", "events/s")
    p50, p99 = latency("kafka-rt-50", "reply_p50_ms"), latency("kafka-rt-50", "reply_p99_ms")
    hop50, hop99 = latency("kafka-hop", "reply_p50_ms"), latency("kafka-hop", "reply_p99_ms")
    plain = latency("kafka-hop-plain", "reply_p50_ms")
    demo = results.median("kafka-demo") / results.median("demo")
    waits, one = results.median_extra("kafka-demo", "waits"), latency("kafka-hop", "sequential_p50_ms")
    hops = waits * one / 1000 / results.median("demo")
    return [
        line("Kafka projector catch-up >= 10k events/s", f"{projector:,.0f} events/s", projector >= 10_000),
        line(
            "... and >= 25 % of the bare aiokafka loop",
            f"{share:.1%} (bound: its fold alone, in memory, {fold:.0%})",
            share >= 0.25,
        ),
        line(
            "round trip p50 <= 20 ms at 50 commands/s",
            f"{p50:.1f} ms (bound: a bare transactional echo, {hop50:.1f} ms; with none, {plain:.1f})",
            p50 <= 20,
        ),
        line(
            "round trip p99 <= 100 ms at 50 commands/s",
            f"{p99:.1f} ms (bound: {hop99:.1f} ms)",
            p99 <= 100,
        ),
        line(
            "Kafka demo within 3x the embedded demo",
            f"{demo:.1f}x (bound: its {waits:.0f} waits x one bare hop, {one:.1f} ms: {hops:.1f}x)",
            demo <= 3,
        ),
    ]
