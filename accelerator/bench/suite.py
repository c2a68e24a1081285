"""The benchmark suite: every figure in a process of its own, the baselines beside it, several
rounds interleaved (so a noisy neighbour hits every figure alike), medians, ratios, targets.

Each figure is a child process (probe.py, or an `accelerator` command timed from outside);
its CPU seconds come from `os.wait4` (with those of the helpers it waited for), its peak RSS
from the probe (VmHWM: the process's own), and the peak PSS of the process with all its
children (a rebuild's helpers, the Kafka workers) is sampled from here while it runs. The
table goes to stdout and to bench/results/<date>.md.
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accelerator.bench.history import History

PROBE = [sys.executable, "-m", "accelerator.bench.probe"]
CLI = [*PROBE, "cli"]
"""An `accelerator` command run by the probe (in its process, from the start: same imports)."""


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    argv: list[str]
    unit: str
    """events/s, rows/s, commands/s (count / seconds), ms or s (seconds as they are)."""
    timed_inside: bool = True
    """The child prints its own timing (probe.py); else the whole process is timed."""


@dataclass
class Sample:
    seconds: float
    count: int
    cpu: float
    rss_mb: float
    pss_mb: float = 0.0
    """The peak of the summed PSS of the process and its children (sampled)."""
    extra: dict[str, Any] = field(default_factory=dict)

    def value(self, unit: str) -> float:
        if unit == "ms":
            return self.seconds * 1000
        if unit == "s":
            return self.seconds
        return self.count / self.seconds if self.seconds else 0.0


def run_child(argv: list[str], timed_inside: bool) -> Sample:
    """One figure, measured: its timing, the process's CPU seconds (wait4), its peak RSS (as
    the probe read it from /proc: `ru_maxrss` would count the forked parent's) and the peak
    PSS of its whole group."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=errors)
        assert child.stdout is not None
        with GroupMemory(child.pid) as memory:
            out = child.stdout.read()
        _pid, status, usage = os.wait4(child.pid, 0)  # the child's own rusage (and its helpers')
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        child.stdout.close()
        if child.returncode:
            errors.seek(0)
            raise RuntimeError(f"{' '.join(argv)} failed: {errors.read().decode(errors='replace')[-2000:]}")
    found = json.loads(out.decode().strip().splitlines()[-1])
    return Sample(
        seconds=found["seconds"] if timed_inside else wall,
        count=found["count"],
        cpu=usage.ru_utime + usage.ru_stime,
        rss_mb=found["rss_mb"],
        pss_mb=memory.peak_mb,
        extra=found.get("extra", {}),
    )


class GroupMemory:
    """The peak memory of a process and its children together, sampled while it runs: the sum
    of their PSS (proportional set size: a page shared by n processes counts 1/n in each, so
    what a forked helper shares with its parent counts once, where adding their RSS would
    count it in every process). Sampled from outside: the measured process has no thread of
    its own (a rebuild forks helpers only then)."""

    INTERVAL = 0.05

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_mb = 0.0
        self._done = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> GroupMemory:
        self._sampler.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._done.set()
        self._sampler.join()

    def _sample(self) -> None:
        while True:
            self.peak_mb = max(self.peak_mb, sum(_pss_kb(pid) for pid in _family(self.pid)) / 1024)
            if self._done.wait(self.INTERVAL):
                return


def _family(pid: int) -> list[int]:
    """A process and its descendants, as /proc lists them now."""
    found, queue = [], [pid]
    while queue:
        found.append(current := queue.pop())
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                queue += [int(child) for child in (task / "children").read_text().split()]
        except OSError:  # it ended meanwhile
            continue
    return found


def _pss_kb(pid: int) -> int:
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:  # it ended between the listing and the reading
        return 0
    return next((int(line.split()[1]) for line in rollup if line.startswith("Pss:")), 0)


@dataclass
class Results:
    figures: list[Figure]
    samples: dict[str, list[Sample]] = field(default_factory=dict)

    def median(self, key: str, attr: str = "seconds") -> float:
        return statistics.median(getattr(s, attr) for s in self.samples[key])

    def value(self, figure: Figure) -> float:
        return statistics.median(s.value(figure.unit) for s in self.samples[figure.key])

    def median_extra(self, key: str, name: str) -> float:
        return statistics.median(s.extra[name] for s in self.samples[key] if name in s.extra)

    def paired_ratio(self, a: str, b: str, unit: str) -> float:
        """The median over rounds of a's figure / b's figure measured in the same round."""
        pairs = zip(self.samples[a], self.samples[b], strict=False)
        return statistics.median(x.value(unit) / y.value(unit) for x, y in pairs if y.value(unit))


def measure(figures: list[Figure], runs: int, say: Callable[[str], None]) -> Results:
    """`runs` rounds; in each, every figure once, in order."""
    results = Results(figures, {f.key: [] for f in figures})
    for round_ in range(1, runs + 1):
        for figure in figures:
            say(f"round {round_}/{runs}: {figure.label}")
            results.samples[figure.key].append(run_child(figure.argv, figure.timed_inside))
    return results


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor() or "?",
    )
    memory = next(
        (
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        "0",
    )
    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "memory": f"{int(memory) // 1024 // 1024} GiB",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def render(results: Results, history: History | None, targets: list[str], facts: dict[str, str]) -> str:
    lines = [
        f"# Benchmarks, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        *(f"- {k}: {v}" for k, v in facts.items()),
        "",
        "| figure | median | unit | range over runs | process CPU s | peak RSS MiB "
        "| peak PSS MiB, with children | extra |",
        "|---|---:|---|---|---:|---:|---:|---|",
    ]
    for figure in results.figures:
        values = [s.value(figure.unit) for s in results.samples[figure.key]]
        extra = _extra(results.samples[figure.key])
        lines.append(
            f"| {figure.label} | {_num(results.value(figure))} | {figure.unit} | "
            f"{_num(min(values))} to {_num(max(values))} | {results.median(figure.key, 'cpu'):.2f} | "
            f"{results.median(figure.key, 'rss_mb'):.0f} | {results.median(figure.key, 'pss_mb'):.0f} | "
            f"{extra} |"
        )
    lines += ["", "| target | result |", "|---|---|", *targets, ""]
    return "\n".join(lines)


def _extra(samples: list[Sample]) -> str:
    keys = sorted({k for s in samples for k in s.extra})
    return ", ".join(
        f"{k} {_num(statistics.median(s.extra[k] for s in samples if k in s.extra))}" for k in keys
    )


def _num(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"
