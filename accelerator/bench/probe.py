"""One figure of the benchmark, in a process of its own, so that its peak memory is its own:
`python -m accelerator.bench.probe NAME ARG...`. It sets up (untimed), times the work, and
prints one JSON line: seconds, count (events, rows, commands) and extras. The suite reads the
process's peak RSS and CPU time from the operating system when it ends.
"""

from __future__ import annotations

import json
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from accelerator.bench.arguments import Refused

Result = tuple[float, int, dict[str, Any]]
REPEATS = 21
"""A query is timed this many times in a warm process; the figure is the median."""


def rebuild(store: str, mode: str) -> Result:
    """`accelerator rebuild` on the store (compare), or `--repair` into an emptied read model."""
    import sqlite3

    from accelerator.embedded.rebuild import rebuild as rebuild_store

    path = Path(store)
    if mode == "fresh":
        path = Path(tempfile.mkdtemp()) / "rebuild.db"
        shutil.copyfile(store, path)
        with closing(sqlite3.connect(path)) as connection, connection:
            connection.execute("DELETE FROM startup_view")
            connection.execute("DELETE FROM challenge_view")
    seconds, cpu, report = cpu_timed(lambda: rebuild_store(path, repair=mode == "fresh"))
    if mode == "fresh":
        shutil.rmtree(path.parent)
    return seconds, report.events, {"cpu_s": cpu, "different": report.different, "startups": report.startups}


def peer(store: str) -> Result:
    """The eventsourcing library's replay of the same events into the same views."""
    from accelerator.bench import peers

    folder = Path(tempfile.mkdtemp())
    views = folder / "views.db"
    seconds, cpu, count = cpu_timed(lambda: peers.replay(Path(store).with_suffix(".eventsourcing.db"), views))
    shutil.rmtree(folder)
    return seconds, count, {"cpu_s": cpu}


def bare(store: str) -> Result:
    from accelerator.bench import peers

    seconds, cpu, count = cpu_timed(lambda: peers.bare_select(Path(store)))
    return seconds, count, {"cpu_s": cpu}


def query(store: str, what: str, *args: str) -> Result:
    """A read the CLI does, timed REPEATS times in a warm process (the median, per call)."""
    from accelerator.bench import reads

    ask = reads.QUESTIONS[what](Path(store), *args)
    ask()  # warm: the store opened, the modules imported, the pages cached
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        count = ask()
        times.append(time.perf_counter() - started)
    return statistics.median(times), count, {"max_ms": max(times) * 1000}


def commands(store: str) -> Result:
    """The history's next commands through the embedded runtime on a copy of the store."""
    from accelerator.bench import reads

    copy = Path(tempfile.mkdtemp()) / "commands.db"
    shutil.copyfile(store, copy)
    run = reads.Continuation(copy, Path(store).with_suffix(".commands.json"))
    seconds, cpu, latencies = cpu_timed(run.all)
    run.close()
    shutil.rmtree(copy.parent)
    latencies.sort()
    extra = {
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p95_ms": latencies[len(latencies) * 95 // 100] * 1000,
    }
    return seconds, len(latencies), extra | {"cpu_s": cpu, "refused": run.refused}


def watch(store: str) -> Result:
    """`accelerator watch --from-start` catching up with the whole log."""
    from accelerator.bench import reads

    seconds, cpu, count = cpu_timed(lambda: reads.watch(Path(store)))
    return seconds, count, {"cpu_s": cpu}


def demo() -> Result:
    """The whole six-month demo on the embedded runtime (what `accelerator demo` runs)."""
    from datetime import datetime
    from datetime import time as clock_time

    from accelerator.bootstrap import embedded
    from accelerator.demo import START, run_demo
    from accelerator.settings import Settings
    from services.kernel import PROGRAMME_TZ, VirtualClock

    folder = Path(tempfile.mkdtemp())
    clock = VirtualClock(datetime.combine(START, clock_time(9), PROGRAMME_TZ))
    runtime = embedded(Settings(store=folder / "demo.db"), clock)
    seconds, cpu, _ = cpu_timed(
        lambda: run_demo(runtime, clock, say=lambda _line: None, folder=folder / "finance")
    )
    count = runtime.store.head()
    runtime.close()
    shutil.rmtree(folder)
    return seconds, count, {"cpu_s": cpu}


def cli(*argv: str) -> Result:
    """An `accelerator` command as a user runs it; the suite times the whole process."""
    from accelerator.cli.main import app

    try:
        app(list(argv), standalone_mode=False)
    except SystemExit as done:
        if done.code:
            raise
    return 0.0, 1, {}


def kafka(name: str) -> Callable[..., Result]:
    """A Kafka figure (accelerator/bench/kafka.py, round_trip.py, floor.py), imported only when run."""

    def run(*args: str) -> Result:
        from accelerator.bench import floor, kafka, round_trip

        found: dict[str, Callable[..., Result]] = {
            "projector": kafka.projector_catch_up,
            "aiokafka": kafka.aiokafka_loop,
            "python": kafka.kafka_python_loop,
            "demo": kafka.kafka_demo,
            "round-trip": round_trip.round_trip,
            "hop": floor.hop,
            "fold": floor.fold,
        }
        return found[name](*args)

    return run


KAFKA = ("projector", "aiokafka", "python", "demo", "round-trip", "hop", "fold")
PROBES: dict[str, Callable[..., Result]] = {
    "rebuild": rebuild,
    "peer": peer,
    "bare": bare,
    "query": query,
    "commands": commands,
    "watch": watch,
    "demo": demo,
    "cli": cli,
    **{f"kafka-{name}": kafka(name) for name in KAFKA},
}


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM). Not `ru_maxrss`: on Linux that keeps the peak of
    the parent it was forked from, before the exec."""
    status = Path("/proc/self/status").read_text().splitlines()
    return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024


def main(argv: list[str]) -> None:
    name, *args = argv or [""]
    if name not in PROBES:
        sys.exit(f"probe: no figure {name!r} (one of {', '.join(PROBES)})")
    try:
        seconds, count, extra = PROBES[name](*args)
    except Refused as refusal:
        sys.exit(f"probe {name}: {refusal}")
    sys.stdout.flush()
    print(json.dumps({"seconds": seconds, "count": count, "extra": extra, "rss_mb": peak_rss_mb()}))


def cpu_timed(work: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall and CPU seconds of the work alone (not the set-up, not the imports); CPU with that
    of the helper processes it started and waited for (a rebuild's folders)."""
    wall, cpu = time.perf_counter(), _cpu()
    done = work()
    return time.perf_counter() - wall, _cpu() - cpu, done


def _cpu() -> float:
    own, helpers = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + helpers.ru_utime + helpers.ru_stime


if __name__ == "__main__":
    main(sys.argv[1:])
