"""Drives the `accelerator` command in-process, as a programme manager would type it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from accelerator.cli import app
from tests import builders as b

WHEN = "2027-03-12T10:00:00+01:00"
"""A day in the accelerator, after Parkly's kick-off."""


def run_module(module: str, *argv: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m MODULE ARGV...` in a process of its own, as a user or the supervisor runs it
    (not typer's test runner): what reaches the terminal, and the exit code."""
    return subprocess.run(
        [sys.executable, "-m", module, *argv],
        env={**os.environ, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


class Cli:
    def __init__(self, store: Path) -> None:
        self.store = store
        self.runner = CliRunner()

    def __call__(
        self, *args: str, now: str = "2027-01-20T10:00:00+01:00", ok: bool = True, actor: str = "An Peeters"
    ) -> str:
        result = self.runner.invoke(app, ["--store", str(self.store), "--now", now, "--as", actor, *args])
        if ok:
            assert result.exit_code == 0, result.output + result.stderr
            return result.stdout
        assert result.exit_code == 1, result.output
        assert result.stdout.count("error:") == 0
        return result.stderr

    def apply(
        self,
        *extra: str,
        company: str = "Parkly",
        number: str = "0403.170.701",
        budget: str = "10000",
        contact: str = "Lotte Peeters",
        now: str = "2027-01-20T10:00:00+01:00",
        ok: bool = True,
    ) -> str:
        return self(
            "apply",
            "--challenge",
            b.CHALLENGE,
            "--company",
            company,
            "--enterprise-number",
            number,
            "--contact-name",
            contact,
            "--contact-email",
            "lotte@parkly.be",
            "--proposal",
            "Bookable loading zones",
            "--budget",
            budget,
            *extra,
            now=now,
            ok=ok,
        )

    def snapshot(self) -> tuple[str, str]:
        """What is stored: the log's history of Parkly and the startups table."""
        return self("show", "Parkly", now="2027-12-31T10:00:00+01:00"), self("startups")


def one_line(error: str) -> bool:
    """One line that starts with `error:`, as every refusal should be."""
    return error.strip().startswith("error:") and len(error.strip().splitlines()) == 1
