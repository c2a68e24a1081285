"""A bounded chaos run: a programme through the Kafka runtime while workers are SIGKILLed
(the projector too) and the broker is stopped and started twice; nothing lost or doubled."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from accelerator.chaos.run import run
from tests.cluster import require_servers

pytestmark = [pytest.mark.kafka, pytest.mark.chaos]


def test_a_programme_survives_minutes_of_chaos(tmp_path: Path) -> None:
    require_servers()
    minutes = float(os.environ.get("ACCELERATOR_CHAOS_MINUTES", "3"))
    verdict = run(minutes, tmp_path)
    print("\n".join(f"{what}: {count}" for what, count in verdict.counts.items()))
    assert verdict.ok, verdict.failures
    assert verdict.counts["kills"] >= minutes * 5
    assert verdict.counts["broker restarts"] == 2
    assert verdict.counts["restarts by supervisors"] >= verdict.counts["kills"]
    assert verdict.counts["accepted commands"] >= 50
    assert verdict.counts["payments disbursed"] > 0
