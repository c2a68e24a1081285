"""A Brugge store at three moments: Parkly applied, in the accelerator, its kick-off approved."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import builders as b
from tests.cli.driver import WHEN, Cli


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    cli = Cli(tmp_path / "brugge.db")
    cli(
        "challenge",
        "publish",
        b.CHALLENGE,
        "--city",
        "brugge",
        "--domain",
        "mobility",
        "--title",
        "Smart loading zones",
        "--opens",
        "2027-01-11",
        "--closes",
        "2027-02-12",
        now="2027-01-04T09:00:00+01:00",
    )
    assert "CallOpened" in cli("scheduler", "tick", now="2027-01-11T09:00:00+01:00")
    assert b.PARKLY in cli.apply()
    return cli


@pytest.fixture
def accelerating(cli: Cli) -> Cli:
    cli("review", "assign", "Parkly", "An Peeters")
    cli(
        "review",
        "score",
        "Parkly",
        "An Peeters",
        *[f"--score={c}=8" for c in ("impact", "innovation", "feasibility", "team")],
    )
    cli("review", "decide", "Parkly", "selected")
    cli("offer", "accept", "Parkly")
    assert "CohortStarted" in cli(
        "cohort", "start", "cohort-2027", "--starts", "2027-03-01", now="2027-03-01T09:00:00+01:00"
    )
    return cli


@pytest.fixture
def kick_off_approved(accelerating: Cli) -> Cli:
    accelerating("milestone", "submit", "Parkly", "kick-off", "--deliverable", "kick-off.pdf", now=WHEN)
    accelerating("milestone", "approve", "Parkly", "kick-off", now=WHEN)
    return accelerating
