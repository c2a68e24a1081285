"""The benchmark suite: every figure in a process of its own, the baselines beside it, several
rounds interleaved (so a noisy neighbour hits every figure alike), medians, ratios, targets.

Each figure is a child process (probe.py, or an `accelerator` command timed from outside);
its peak RSS and CPU seconds come from `os.wait4`, so memory is the figure's own. The
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
    extra: dict[str, Any] = field(default_factory=dict)

    def value(self, unit: str) -> float:
        if unit == "ms":
            return self.seconds * 1000
        if unit == "s":
            return self.seconds
        return self.count / self.seconds if self.seconds else 0.0


def run_child(argv: list[str], timed_inside: bool) -> Sample:
    """One figure, measured: its timing, the process's CPU seconds (wait4) and its peak RSS
    (as the probe read it from /proc: `ru_maxrss` would count the forked parent's)."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=errors)
        assert child.stdout is not None
        out = child.stdout.read()
        _pid, status, usage = os.wait4(child.pid, 0)  # the child's own rusage: its peak RSS
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
        extra=found.get("extra", {}),
    )


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
        "| figure | median | unit | range over runs | process CPU s | peak RSS MiB | extra |",
        "|---|---:|---|---|---:|---:|---|",
    ]
    for figure in results.figures:
        values = [s.value(figure.unit) for s in results.samples[figure.key]]
        extra = _extra(results.samples[figure.key])
        lines.append(
            f"| {figure.label} | {_num(results.value(figure))} | {figure.unit} | "
            f"{_num(min(values))} to {_num(max(values))} | {results.median(figure.key, 'cpu'):.2f} | "
            f"{results.median(figure.key, 'rss_mb'):.0f} | {extra} |"
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
