"""The read model's upserts on the two databases they run on: PostgreSQL gets a batch's rows
as one array per column, SQLite as one row per execution; both must store the same."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlmodel import SQLModel

from services.projector import read_model  # noqa: F401  (declares the read model's tables)
from services.projector.rows import STARTUP_COLUMNS, STARTUPS
from tests.cluster import scratch_database

pytestmark = pytest.mark.kafka

AWKWARD = [
    *("", "NULL", "O'Brien & Zoon", 'say "hi"', "back\\slash", "{a,b}", "ARRAY['x']"),
    *("Ærø ✓ 日本", "a\nb", "tab\tend"),
]
"""Values an array literal or a quoted SQL string could get wrong."""


@pytest.fixture(params=["postgresql", "sqlite"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with ExitStack() as stack:
        if request.param == "postgresql":
            url = stack.enter_context(scratch_database("upserts"))
        else:
            url = f"sqlite:///{tmp_path / 'read-model.db'}"
        made = create_engine(url)
        stack.callback(made.dispose)
        SQLModel.metadata.create_all(made, tables=[SQLModel.metadata.tables["startup_view"]])
        yield made


def row(key: str, value: str) -> dict[str, str]:
    return {column: f"{column}:{value}" for column in STARTUP_COLUMNS} | {"startup_id": key}


def stored(engine: Engine) -> dict[str, dict[str, str]]:
    with engine.connect() as connection:
        found = connection.execute(text(f"SELECT {', '.join(STARTUP_COLUMNS)} FROM startup_view"))
        return {r.startup_id: dict(r._mapping) for r in found}


def test_rows_are_stored_as_given_and_a_key_given_twice_keeps_its_last_row(engine: Engine) -> None:
    first = [row(f"st-{i}", value) for i, value in enumerate(AWKWARD)]
    with engine.begin() as connection:
        STARTUPS.run(connection, first)
    assert stored(engine) == {r["startup_id"]: r for r in first}

    # One batch replaces some rows, adds one, and names one key twice (the later row wins).
    again = [row("st-1", "changed"), row("st-new", "new"), row("st-2", "overtaken"), row("st-2", "last")]
    with engine.begin() as connection:
        STARTUPS.run(connection, again)
    expected = {r["startup_id"]: r for r in first} | {r["startup_id"]: r for r in again}
    assert stored(engine) == expected
    assert expected["st-2"]["view"] == "view:last"


def test_no_rows_write_nothing(engine: Engine) -> None:
    with engine.begin() as connection:
        STARTUPS.run(connection, [])
    assert stored(engine) == {}
