"""The suite measures a figure's memory as its whole group's: the process and its children."""

from __future__ import annotations

import sys

from accelerator.bench.suite import run_child

HOLD = """
import json, subprocess, sys, time
{spawn}
held = bytearray(80 * 1024 * 1024)  # touched: resident
time.sleep(0.6)
{join}
print(json.dumps({{"seconds": 1, "count": 1, "rss_mb": 0}}))
"""


def test_a_figures_memory_counts_its_children_once_each() -> None:
    alone = run_child([sys.executable, "-c", HOLD.format(spawn="", join="")], timed_inside=True)
    child = HOLD.format(spawn="", join="").replace("print(", "(")
    spawn = f"helper = subprocess.Popen([sys.executable, '-c', {child!r}])"
    # the parent holds its memory until its helper has held its own (a slow start overlaps too)
    together = run_child(
        [sys.executable, "-c", HOLD.format(spawn=spawn, join="helper.wait()")], timed_inside=True
    )
    assert alone.pss_mb > 80
    assert together.pss_mb > alone.pss_mb + 70
