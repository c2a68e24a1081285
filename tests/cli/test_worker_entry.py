"""`python -m accelerator.kafka <worker>`, how the supervisor starts each worker: what it
refuses, it refuses in one line before it reaches for a broker."""

from __future__ import annotations

import subprocess

import pytest

from tests.cli.driver import run_module
from tests.cluster import ROOT


def start(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_module("accelerator.kafka", *argv, cwd=ROOT, **env)


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (("projecter\x1b[31m",), "(got 'projecter\\x1b[31m')"),
        ((), "(got none)"),
        (("projector", "cities"), "(got 'projector cities')"),
    ],
)
def test_a_name_that_is_no_worker_is_one_line_naming_the_workers(argv: tuple[str, ...], shown: str) -> None:
    done = start(*argv)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"name: must be one of intake, selection, participation, payments, pilots, subscriptions, "
        f"starts-accelerators, instructs-payments, requests-tranches, projector, cities, deliveries, "
        f"exporter, scheduler {shown}"
    ]
    assert "\x1b" not in done.stderr


def test_a_setting_that_does_not_parse_is_one_line_naming_it() -> None:
    done = start("projector", ACCELERATOR_KAFKA_WAIT_SECONDS="soon")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "kafka_wait_seconds: input should be a valid number, unable to parse string as a number"
    ]


def test_a_wait_of_no_time_is_one_line_naming_the_setting() -> None:
    done = start("projector", ACCELERATOR_KAFKA_WAIT_SECONDS="0")
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["kafka_wait_seconds: input should be greater than 0"]
