"""What the fixed choices allow: the bounds beside the Kafka figures they bound.

- hop: one message through a bare echo on kafka-python with the services' own transaction
  (consume, produce the answer and the consumer's offsets in one transaction, commit through
  `connections.commit`) and no domain code: no replica, no decision, no policy. Offered at a
  steady rate (open loop), then one at a time (closed loop, as the demo's commands go). A
  service's round trip cannot be shorter than this: it is this, plus its own work.
- fold: the projector's own work on the same events as its catch-up (the envelope read, the
  subject's fold, its views), in memory: no Kafka, no PostgreSQL. One projector process
  cannot be faster than this.

`python -m accelerator.bench.floor echo MODE` is the echo's process (started by `hop`, with the
run's settings in its environment).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accelerator.bench.arguments import MOST_EVENTS, Refused, store_file, whole
from accelerator.bench.kafka import Result, namespace
from accelerator.bench.round_trip import MOST_PER_SECOND, SETTLE, percentiles
from accelerator.settings import Settings

if TYPE_CHECKING:
    from services.projector.ordering import Subject

SECONDS = 20
"""How long the open-loop load is offered (as the round-trip figure)."""
SEQUENTIAL = 100
"""Messages sent one at a time after it (each waits for the last one's answer)."""
REQUESTS, ANSWERS = "floor.requests", "floor.answers"
READY = "ready"
MODES = ("transaction", "plain")


def hop(rate: str, mode: str = "transaction") -> Result:
    """The echo's answers at `rate` per second for SECONDS, then SEQUENTIAL one at a time.
    `plain`: the echo answers without a transaction (an idempotent send, then the offsets
    committed): what a hop costs without the services' atomicity, for comparison."""
    per_second = whole("rate", rate, MOST_PER_SECOND)
    if mode not in MODES:
        raise Refused(f"mode: one of {', '.join(MODES)}, not {mode!r}")
    from kafka.structs import TopicPartition

    from accelerator.kafka import connections
    from accelerator.kafka.auth import operator
    from accelerator.kafka.workers import environment

    settings = operator(namespace())
    requests, answers = _topics(settings)
    echo = subprocess.Popen(
        [sys.executable, "-m", "accelerator.bench.floor", "echo", mode],
        env=environment(settings),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        if echo.stdout is None or echo.stdout.readline().strip() != READY:
            raise RuntimeError(f"the echo did not start (exit {echo.wait(30)})")
        sender = connections.producer(settings, give_up_seconds=settings.kafka_wait_seconds)
        reader = connections.consumer(settings)
        wait = settings.kafka_wait_seconds
        for tp in connections.assign_all(reader, [answers], from_start=False, seconds=wait):
            reader.position(tp)  # from here: before anything is sent
        answered: dict[str, float] = {}
        sent = _open_loop(sender, reader, requests, per_second, answered)
        sequential = _closed_loop(sender, reader, requests, answered)
        sender.close()
        reader.close()
        group = connections.consumer(settings, f"{settings.topic_prefix}floor")
        committed = group.committed(TopicPartition(requests, 0))  # by the echo's transactions
        group.close()
    finally:
        echo.terminate()
        echo.wait(30)
    extra = percentiles("reply", sent, answered) | percentiles("sequential", sequential, answered)
    unanswered = sum(1 for key in (*sent, *sequential) if key not in answered)
    return SECONDS, len(sent), extra | {"unanswered": unanswered, "committed": committed}


def _topics(settings: Settings) -> tuple[str, str]:
    from kafka.admin import NewTopic

    from accelerator.kafka.admin import admin

    names = [settings.topic_prefix + name for name in (REQUESTS, ANSWERS)]
    client = admin(settings)
    try:
        client.create_topics([NewTopic(name, 1, settings.replication_factor) for name in names])
    finally:
        client.close()
    return names[0], names[1]


def _open_loop(
    sender: Any, reader: Any, topic: str, rate: int, answered: dict[str, float]
) -> dict[str, tuple[float, str]]:
    sent: dict[str, tuple[float, str]] = {}
    stop = threading.Event()
    watcher = threading.Thread(target=_answers, args=(reader, answered, stop), daemon=True)
    watcher.start()
    start, total = time.perf_counter(), int(rate * SECONDS)
    for n in range(total):
        time.sleep(max(0.0, start + n / rate - time.perf_counter()))
        key = f"open-{n}"
        sender.send(topic, key=key.encode(), value=key.encode())
        sent[key] = (time.perf_counter(), "")
        sender.flush()  # as the runtime sends a command: on its way at once
    deadline = time.perf_counter() + SETTLE
    while len(answered) < total and time.perf_counter() < deadline:
        time.sleep(0.05)
    stop.set()
    watcher.join(5)
    return sent


def _closed_loop(
    sender: Any, reader: Any, topic: str, answered: dict[str, float]
) -> dict[str, tuple[float, str]]:
    sent: dict[str, tuple[float, str]] = {}
    for n in range(SEQUENTIAL):
        key = f"one-{n}"
        sender.send(topic, key=key.encode(), value=key.encode())
        sent[key] = (time.perf_counter(), "")
        sender.flush()
        deadline = time.perf_counter() + SETTLE
        while key not in answered and time.perf_counter() < deadline:
            _read(reader, answered)
    return sent


def _answers(reader: Any, answered: dict[str, float], stop: threading.Event) -> None:
    while not stop.is_set():
        _read(reader, answered)


def _read(reader: Any, answered: dict[str, float]) -> None:
    for records in reader.poll(timeout_ms=50).values():
        now = time.perf_counter()
        for record in records:
            answered.setdefault(record.value.decode(), now)


def echo(mode: str) -> None:
    """Every request answered as a service answers a command: its answer and the consumer's
    offsets in one transaction, committed once every send was taken (connections.commit).
    `plain`: the answer sent and taken, then the offsets committed, no transaction."""
    from kafka.structs import OffsetAndMetadata

    from accelerator.kafka import connections

    settings = Settings()
    requests, answers = (settings.topic_prefix + name for name in (REQUESTS, ANSWERS))
    consumer = connections.consumer(settings, f"{settings.topic_prefix}floor")
    consumer.subscribe([requests])
    transactional = mode == "transaction"
    producer = connections.producer(settings, f"{settings.topic_prefix}floor-echo" if transactional else None)
    if transactional:
        producer.init_transactions()
    while not consumer.assignment():
        consumer.poll(timeout_ms=100)  # joins the group; nothing is sent before "ready"
    print(READY, flush=True)
    while True:
        batch = consumer.poll(timeout_ms=200)
        if not batch:
            continue
        offsets = {tp: OffsetAndMetadata(records[-1].offset + 1, "", -1) for tp, records in batch.items()}
        if not transactional:
            sent = [producer.send(answers, key=r.key, value=r.value) for rs in batch.values() for r in rs]
            connections.taken(producer, sent)
            consumer.commit(offsets)
            continue
        producer.begin_transaction()
        try:
            sent = [producer.send(answers, key=r.key, value=r.value) for rs in batch.values() for r in rs]
            producer.send_offsets_to_transaction(offsets, consumer.group_metadata())
            connections.commit(producer, sent)
        except Exception:
            producer.abort_transaction()
            raise


def fold(store: str, events: str) -> Result:
    """The first `events` events of the history (those the projector's catch-up reads) read
    from their envelopes and folded into subjects and views, as the projector does, in memory."""
    from accelerator.heap import tune_for_long_work

    envelopes = first_envelopes(store_file(store), whole("events", events, MOST_EVENTS))
    tune_for_long_work()  # as every Kafka worker does
    started = time.perf_counter()
    subjects = folded(envelopes)
    seconds = time.perf_counter() - started
    return seconds, len(envelopes), {"subjects": len(subjects)}


def first_envelopes(store: Path, events: int) -> list[bytes]:
    """As they come off the topics (bench.kafka.preload puts them there): bytes, in log order."""
    with closing(sqlite3.connect(f"file:{store}?mode=ro", uri=True)) as source:
        rows = source.execute("SELECT envelope FROM event_log ORDER BY position LIMIT ?", (events,))
        return [envelope.encode() for (envelope,) in rows]


def folded(envelopes: list[bytes]) -> dict[str, Subject]:
    """`ProjectorWorker.project` without its reads and writes."""
    from events import CloudEvent
    from services.projector.ordering import Subject

    subjects: dict[str, Subject] = {}
    for value in envelopes:
        ce = CloudEvent.from_json(value)
        subject = subjects.get(ce.subject) or Subject(subject=ce.subject)
        subject.receive(ce)
        subjects[ce.subject] = subject
    return subjects


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "echo" or sys.argv[2] not in MODES:
        sys.exit(f"usage: python -m accelerator.bench.floor echo {{{','.join(MODES)}}}")
    echo(sys.argv[2])
