"""`--store` names the file the programme lives in: anything else it may name is refused in one
line, and a store is never created or changed by a command that only reads."""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accelerator.cli import app
from tests.cli.driver import WHEN, Cli, one_line, run_module

NOBODY = 65534
"""The unprivileged user a root test run reads the store as (root may write any file)."""


def test_a_foreign_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    store = tmp_path / "budget.xlsx"
    store.write_bytes(b"Brugge budget 2027, not a database\n" * 50)
    before = store.read_bytes()
    error = Cli(store)("startups", ok=False)
    assert f"store: {store} is not an accelerator store (not a SQLite database)" in error
    assert store.read_bytes() == before


def test_an_empty_file_becomes_a_new_store(tmp_path: Path) -> None:
    store = tmp_path / "new.db"
    store.touch()
    assert "Startups" in Cli(store)("startups")
    assert store.read_bytes().startswith(b"SQLite format 3")


def test_a_corrupt_store_is_refused(cli: Cli) -> None:
    data = bytearray(cli.store.read_bytes())
    data[4096:] = b"\x00\xff" * ((len(data) - 4096) // 2)
    cli.store.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(f"{cli.store}{suffix}").unlink(missing_ok=True)
    assert "is corrupt" in cli("startups", ok=False)


@pytest.mark.parametrize("verb", [("startups",), ("challenge", "open", "brugge-mobility-2027")])
def test_a_directory_is_not_a_store(tmp_path: Path, verb: tuple[str, ...]) -> None:
    folder = tmp_path / "brugge"
    folder.mkdir()
    error = Cli(folder)(*verb, ok=False)
    assert one_line(error) and f"store: {folder} is a directory, not a store file" in error
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("verb", [("startups",), ("challenge", "open", "brugge-mobility-2027")])
def test_an_empty_store_path_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, verb: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["--store", "", *verb])
    assert result.exit_code == 1, result.output
    assert one_line(result.stderr) and "store: must name a file (got an empty path)" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("verb", [("startups",), ("show", "Parkly"), ("challenge", "list")])
def test_reading_a_store_that_does_not_exist_says_so_and_creates_nothing(
    tmp_path: Path, verb: tuple[str, ...]
) -> None:
    typo = tmp_path / "bruge" / "brugge.db"
    error = Cli(typo)(*verb, ok=False)
    assert one_line(error)
    assert f"store: {typo} does not exist: nothing was ever recorded there" in error
    assert not typo.parent.exists()


@pytest.mark.parametrize(
    "command",
    [
        ("show", "Parkly"),
        ("startups",),
        ("funnel",),
        ("withdraw", "Parkly"),  # a usage error: --reason is missing
        ("review", "decide", "Parkly", "selected"),  # refused: no review yet
        (
            "apply",
            "--challenge",
            "nowhere",
            "--company",
            "X",
            "--contact-name",
            "Y",
            "--contact-email",
            "y@example.org",
            "--proposal",
            "p",
            "--budget",
            "2,50",
            "--kind",
            "citizens",
            "--country",
            "BE",
        ),  # refused: no such challenge
    ],
    ids=lambda command: " ".join(command[:2]),
)
def test_reading_or_a_refused_command_changes_no_byte_of_the_store(
    cli: Cli, command: tuple[str, ...]
) -> None:
    assert beside(cli.store) == ["brugge.db"]
    before = digest(cli.store)
    result = run_module(
        "accelerator.cli", "--store", str(cli.store), "--now", WHEN, *command, cwd=cli.store.parent
    )
    reads = command[0] in ("show", "startups", "funnel")
    assert result.returncode == (0 if reads else 2 if command[0] == "withdraw" else 1), result.stderr
    assert reads or one_line(result.stderr), result.stderr
    assert digest(cli.store) == before, "the store's file changed"
    assert beside(cli.store) == ["brugge.db"]


@pytest.mark.parametrize(
    "command",
    [("startups",), ("show", "Parkly"), ("withdraw", "Parkly", "--reason", "x")],
    ids=lambda command: " ".join(command[:2]),
)
def test_a_command_closes_the_store_as_it_ends_and_leaves_one_file(
    cli: Cli, command: tuple[str, ...]
) -> None:
    """What a command opened is closed as it ends, not when the garbage collector comes by (in
    a process that runs many commands: a test, a host that embeds the CLI): the store is one
    file again, with no write-ahead file left for whoever opens it next."""
    gc.disable()  # only what the command closes itself is closed
    try:
        cli(*command)
        assert beside(cli.store) == ["brugge.db"]
        assert not [fd for fd in Path("/proc/self/fd").iterdir() if _names(fd, cli.store)]
    finally:
        gc.enable()


def beside(store: Path) -> list[str]:
    """What the store's folder holds: the store alone, or a write-ahead file beside it too."""
    return sorted(p.name for p in store.parent.iterdir())


def _names(fd: Path, store: Path) -> bool:
    try:
        return os.readlink(fd).startswith(str(store))
    except OSError:  # closed since it was listed
        return False


@pytest.fixture(params=[0o555, 0o777], ids=["in a read-only folder", "in a shared folder"])
def read_only(cli: Cli, request: pytest.FixtureRequest) -> Iterator[Path]:
    """A read-only copy of the Brugge store, as the CLI leaves it (WAL mode), in a folder that
    anyone may read and only root may write, or that anyone may write."""
    folder = Path(tempfile.mkdtemp(prefix="accelerator-read-only-"))
    store = folder / "brugge.db"
    source, copy = sqlite3.connect(cli.store), sqlite3.connect(store)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=WAL")
    finally:
        source.close()
        copy.close()
    assert store.read_bytes()[18] == 2, "a WAL store, as the CLI leaves it"
    store.chmod(0o444)
    folder.chmod(request.param)
    try:
        yield store
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


class Unprivileged:
    """The CLI in a process of its own, as a user who may not write the store. Run as root, the
    process drops to `nobody`, with an interpreter that user may run (the venv's may live in
    root's home) and this environment's packages."""

    boot = "import site, sys; site.addsitedir(sys.argv.pop(1)); from accelerator.cli import main; main()"

    def __init__(self, store: Path) -> None:
        self.store = store
        self.python = sys.executable if os.geteuid() != 0 else self._interpreter_for_nobody()

    def _interpreter_for_nobody(self) -> str:
        reasons = []
        for python in dict.fromkeys(
            [sys.executable, shutil.which("python3.11") or "", "/usr/bin/python3.11"]
        ):
            probe = self._run(python, "--help") if python else None
            if probe is not None and probe.returncode == 0:
                return python
            reasons.append(
                f"{python or 'python3.11'}: {probe.stderr.strip()[-120:] if probe else 'not found'}"
            )
        pytest.skip(f"no Python 3.11 that user {NOBODY} may run with these packages ({'; '.join(reasons)})")

    def _run(self, python: str, *args: str) -> subprocess.CompletedProcess[str] | None:
        command = [
            python,
            "-c",
            self.boot,
            sysconfig.get_paths()["purelib"],
            "--store",
            str(self.store),
            *args,
        ]
        try:
            return subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=120,
                cwd=self.store.parent,
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.store.parent)},
                preexec_fn=_as_nobody if os.geteuid() == 0 else None,  # the test runs no threads
            )
        except PermissionError:
            return None

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = self._run(self.python, "--now", "2027-03-12T10:00:00+01:00", *args)
        assert result is not None
        return result


def _as_nobody() -> None:
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def digest(store: Path) -> str:
    return hashlib.sha256(store.read_bytes()).hexdigest()


def test_a_read_only_store_can_be_read_but_not_written(read_only: Path) -> None:
    before = digest(read_only)
    cli = Unprivileged(read_only)
    startups = cli("startups")
    assert startups.returncode == 0, startups.stderr
    assert "Parkly" in startups.stdout
    shown = cli("show", "Parkly")
    assert shown.returncode == 0 and "application_submitted" in shown.stdout, shown.stderr
    written = cli("review", "assign", "Parkly", "Koen Janssens")
    assert written.returncode == 1, written.stdout
    assert one_line(written.stderr) and f"store: {read_only} is read-only" in written.stderr
    assert digest(read_only) == before
    if not read_only.parent.stat().st_mode & 0o002:
        assert beside(read_only) == ["brugge.db"]
