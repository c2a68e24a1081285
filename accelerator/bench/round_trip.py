"""Command round trips over Kafka at a steady offered load (open loop: commands leave on a
fixed schedule, whatever the replies do), every worker running.

The workload is one call open for applications and a stream of new companies applying to
it (each a new startup: valid, and a row to project). Measured per command: from `send` to
its reply on the replies topic, and from `send` to its startup's row in the PostgreSQL read
model; reported as p50/p95/p99/max.
"""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from accelerator.bench.arguments import whole
from accelerator.bench.kafka import Result, namespace, started, stop
from accelerator.bench.people import enterprise_number
from accelerator.settings import Settings

SECONDS = 20
"""How long the load is offered."""
MOST_PER_SECOND = 10_000
"""The highest offered rate a figure takes."""
SETTLE = 60.0
"""How long to wait, after the last send, for the last replies and rows."""


def round_trip(rate: str) -> Result:
    from accelerator.kafka.client import KafkaRuntime
    from accelerator.kafka.workers import WORKERS, spawn
    from services.kernel import SystemClock

    per_second = whole("rate", rate, MOST_PER_SECOND)
    settings = namespace()
    workers = [spawn(name, settings) for name in WORKERS]
    try:
        started(settings)  # the load meets running workers, not ones still starting
        runtime = KafkaRuntime(settings, SystemClock(), actor="bench")
        challenge = _open_call(runtime)
        sent, replied, projected = _offer(runtime, settings, challenge, per_second)
        runtime.close()
    finally:
        stop(workers)
    extra = percentiles("reply", sent, replied) | percentiles("row", sent, projected)
    # not len(sent) - len(replied): the replies topic also carries the scheduler's deadline checks'
    unanswered = sum(1 for command in sent if command not in replied)
    return SECONDS, len(sent), extra | {"unanswered": unanswered}


def _open_call(runtime: Any) -> str:
    """A challenge whose call is open today (waits until the services answer)."""
    from services.intake import commands as intake
    from services.kernel import Rejected

    challenge = "brugge-mobility-bench"
    today = date.today()
    publish = intake.PublishChallenge(
        challenge_id=challenge,
        city_id="brugge",
        domain="mobility",
        title="Round trips under load",
        opens_on=today,
        closes_on=today + timedelta(days=30),
    )
    runtime.handle(publish)
    try:
        runtime.handle(intake.OpenCall(challenge_id=challenge))
    except Rejected as refusal:  # the scheduler's tick opened it first (its day has come)
        if "already open" not in str(refusal):
            raise
    return challenge


def _offer(
    runtime: Any, settings: Settings, challenge: str, rate: int
) -> tuple[dict[str, tuple[float, str]], dict[str, float], dict[str, float]]:
    """Send at `rate` per second for SECONDS; collect reply and row times meanwhile."""
    sent: dict[str, tuple[float, str]] = {}
    replied: dict[str, float] = {}
    projected: dict[str, float] = {}
    stop = threading.Event()
    watchers = [
        threading.Thread(target=_replies, args=(runtime, replied, stop), daemon=True),
        threading.Thread(target=_rows, args=(settings, sent, projected, stop), daemon=True),
    ]
    for watcher in watchers:
        watcher.start()
    start, total = time.perf_counter(), int(rate * SECONDS)
    for n in range(total):
        time.sleep(max(0.0, start + n / rate - time.perf_counter()))
        command = _application(challenge, n)
        message = runtime.send(command, command_id=None)
        sent[message.command_id] = (time.perf_counter(), command.aggregate_id())
    deadline = time.perf_counter() + SETTLE
    while (len(replied) < total or len(projected) < total) and time.perf_counter() < deadline:
        time.sleep(0.05)
    stop.set()
    for watcher in watchers:
        watcher.join(5)
    return sent, replied, projected


def _application(challenge: str, n: int) -> Any:
    from events.applications import Contact
    from services.intake import commands as intake

    return intake.SubmitApplication(
        challenge_id=challenge,
        company_name=f"Loadtest {n}",
        enterprise_number=enterprise_number(900_000 + n),
        contact=Contact(name="Founder", email=f"founder{n}@loadtest.be"),
        proposal="A proof of concept that arrives on schedule",
        requested_budget=Decimal(5000),
    )


def _replies(runtime: Any, replied: dict[str, float], stop: threading.Event) -> None:
    from accelerator.kafka.messages import Reply

    while not stop.is_set():
        for records in runtime.replies.poll(timeout_ms=50).values():
            now = time.perf_counter()
            for record in records:
                replied.setdefault(Reply.model_validate_json(record.value).command_id, now)


def _rows(
    settings: Settings, sent: dict[str, tuple[float, str]], projected: dict[str, float], stop: threading.Event
) -> None:
    """Look for the startups' rows every 10 ms (one indexed query for all still missing)."""
    from sqlalchemy import bindparam, create_engine, text

    engine = create_engine(settings.database_url)
    query = text("SELECT startup_id FROM startup_view WHERE startup_id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    with engine.connect() as connection:
        while not stop.is_set():
            waiting = {
                startup: command for command, (_at, startup) in list(sent.items()) if command not in projected
            }
            if waiting:
                now = time.perf_counter()
                for (startup,) in connection.execute(query, {"ids": list(waiting)}):
                    projected.setdefault(waiting[startup], now)
                connection.rollback()  # a fresh snapshot next time
            time.sleep(0.01)
    engine.dispose()


def percentiles(name: str, sent: dict[str, tuple[float, str]], seen: dict[str, float]) -> dict[str, float]:
    latencies = sorted((seen[c] - at) * 1000 for c, (at, _startup) in sent.items() if c in seen)
    if not latencies:
        return {f"{name}_p50_ms": float("nan")}

    def at(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))]

    return {
        f"{name}_p50_ms": at(0.5),
        f"{name}_p95_ms": at(0.95),
        f"{name}_p99_ms": at(0.99),
        f"{name}_max_ms": latencies[-1],
    }
