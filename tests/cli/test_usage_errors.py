"""The `accelerator` command's own usage errors (an option's value of the wrong type, an unknown
option or command, a missing argument): one line naming the field and the rule, exit 2,
nothing stored; what was typed is shown as data."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.cli.driver import run_module


def accelerator(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_module("accelerator.cli", *argv, cwd=cwd, ACCELERATOR_STORE=str(cwd / "store.db"))


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            ("--now", "2027-13-01", "startups"),
            "error: --now: input should be a valid datetime or date, month value is outside "
            "expected range of 1-12 (see python -m accelerator.cli --help)",
        ),
        (
            ("startups", "--limit", "many"),
            "error: --limit: input should be a valid integer, unable to parse string as an integer "
            "(see python -m accelerator.cli startups --help)",
        ),
        (
            ("startups", "--citty", "gent"),
            "error: no such option: --citty (Possible options: --city) "
            "(see python -m accelerator.cli startups --help)",
        ),
        (("show",), "error: missing argument 'startup' (see python -m accelerator.cli show --help)"),
        (("startups", "--limit"), "error: option '--limit' requires an argument"),
        (
            ("sh\x1b]0;pwned\x07ow",),
            "error: no such command 'sh\\x1b]0;pwned\\x07ow' (see python -m accelerator.cli --help)",
        ),
    ],
)
def test_a_usage_error_is_one_line_naming_the_field_and_nothing_is_stored(
    argv: tuple[str, ...], line: str, tmp_path: Path
) -> None:
    done = accelerator(*argv, cwd=tmp_path)
    assert (done.returncode, done.stderr.splitlines(), done.stdout) == (2, [line], "")
    assert list(tmp_path.iterdir()) == []


def test_a_group_given_nothing_shows_its_help_and_no_error(tmp_path: Path) -> None:
    done = accelerator("challenge", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (2, "")
    assert "publish" in done.stdout


def test_a_command_that_runs_exits_as_it_says(tmp_path: Path) -> None:
    assert accelerator("--help", cwd=tmp_path).returncode == 0
    missing = accelerator("startups", cwd=tmp_path)  # the store's own refusal, from the command
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: store: ") and len(missing.stderr.splitlines()) == 1
