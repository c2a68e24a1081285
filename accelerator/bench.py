"""Benchmarks: `python -m accelerator.bench [--runs 5] [--kafka]`. Medians of several runs.

Measures the demo programme end to end on the embedded runtime (wall time, events per
second, peak memory), a full replay of its log, and with --kafka
the same demo over a real broker (needs deploy/kafka.sh and deploy/postgres.sh running).
Timings are not asserted anywhere: machines here are shared and noisy.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from datetime import time as clock_time
from pathlib import Path

from accelerator.bootstrap import embedded
from accelerator.demo import START, run_demo
from accelerator.settings import Settings
from services.kernel import PROGRAMME_TZ, VirtualClock


def timed(action: Callable[[], int], runs: int) -> tuple[float, int]:
    """Median seconds of `runs` runs, and the count the action reports (events, commands)."""
    seconds, count = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        count = action()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), count


def demo_clock() -> VirtualClock:
    return VirtualClock(datetime.combine(START, clock_time(9), PROGRAMME_TZ))


def embedded_demo() -> int:
    with tempfile.TemporaryDirectory() as folder:
        clock = demo_clock()
        runtime = embedded(Settings(store=Path(folder) / "bench.db"), clock)
        run_demo(runtime, clock, say=lambda _line: None)
        events = len(runtime.history())
        runtime.close()
        return events


def kafka_demo() -> int:
    from accelerator.kafka.admin import create_database, create_topics
    from accelerator.kafka.client import KafkaRuntime
    from accelerator.kafka.cluster import with_own_principals
    from accelerator.kafka.principals import secured
    from accelerator.kafka.workers import WORKERS, spawn

    tag = uuid.uuid4().hex[:8]
    base = Settings(runtime="kafka")
    settings = base.model_copy(
        update={"topic_prefix": f"bench{tag}.", "database_url": create_database(base, f"bench_{tag}")}
    )
    if secured(settings):  # each worker its own principal, as in production
        settings = with_own_principals(settings, Path(tempfile.mkdtemp(prefix="accelerator-bench-")))
    create_topics(settings)
    workers = [spawn(name, settings) for name in WORKERS]
    try:
        clock = demo_clock()
        runtime = KafkaRuntime(settings, clock)
        run_demo(runtime, clock, say=lambda _line: None)
        runtime.startups()  # projected into PostgreSQL, too
        events = len(runtime.history())
        runtime.close()
        return events
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--kafka", action="store_true", help="also run the demo over a real broker")
    options = parser.parse_args()
    rows = []
    seconds, events = timed(embedded_demo, options.runs)
    rows.append(("embedded demo (6 months, 13 startups)", seconds, events, "events"))
    with tempfile.TemporaryDirectory() as folder:
        clock = demo_clock()
        runtime = embedded(Settings(store=Path(folder) / "bench.db"), clock)
        run_demo(runtime, clock, say=lambda _line: None)
        log_size = len(runtime.history())
        replay_seconds, _ = timed(lambda: (runtime.replay(), log_size)[1], options.runs)
        rows.append(("embedded replay of the demo log", replay_seconds, log_size, "events"))
        runtime.close()
    if options.kafka:
        kafka_seconds, kafka_events = timed(kafka_demo, max(1, options.runs // 2))
        rows.append(("kafka demo (8 worker processes, PostgreSQL)", kafka_seconds, kafka_events, "events"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'what':<46} {'median s':>9} {'count':>7} {'per s':>9}")
    for what, secs, count, unit in rows:
        print(f"{what:<46} {secs:>9.3f} {count:>7} {count / secs:>9.0f} {unit}/s")
    if options.kafka:
        print(f"kafka / embedded demo time: {kafka_seconds / seconds:.1f}x")
    print(f"peak memory of this process: {peak:.0f} MiB; runs: {options.runs}")


if __name__ == "__main__":
    main()
