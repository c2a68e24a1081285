"""A figure's arguments, checked before anything is set up: a bad one is one line
(`python -m accelerator.bench.probe` prints it), and nothing is created on the broker or disk."""

from __future__ import annotations

import re
from pathlib import Path

MOST_EVENTS = 10_000_000
"""The most events a figure loads (a history of a million is the largest the suite makes)."""


class Refused(ValueError):
    """An argument a figure cannot run with: one line, before anything is set up."""


def whole(name: str, text: str, most: int) -> int:
    """A whole number from 1 to `most`, typed as digits (no sign, separator or exponent)."""
    if not re.fullmatch(r"[1-9][0-9]{0,11}", text) or int(text) > most:
        raise Refused(f"{name}: a whole number from 1 to {most:,}, not {text!r}")
    return int(text)


def store_file(text: str) -> Path:
    """A history's store: an existing file (SQLite opens it read-only)."""
    if not Path(text).is_file():
        raise Refused(f"store: not a file: {text!r}")
    return Path(text)
