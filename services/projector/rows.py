"""The read model's rows as plain SQL: what is written for a view, and the statements that
write it, for the hot paths (the projector's batches, a rebuild) that skip the ORM.

The same statements run through a SQLAlchemy session (SQLite and PostgreSQL both speak
`INSERT ... ON CONFLICT DO UPDATE`; PostgreSQL gets a batch's rows as arrays in one) and
through the `sqlite3` module, which a rebuild uses to stay small. The tables themselves
are declared in read_model.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, text

from services.projector.views import ChallengeView, StartupView

STARTUP_COLUMNS = ("startup_id", "company_name", "challenge_id", "city_id", "phase", "view")
CHALLENGE_COLUMNS = ("challenge_id", "city_id", "view")


class Upsert:
    """Rows into one table of text columns, each replacing the row with its key (the first
    column)."""

    def __init__(self, table: str, columns: tuple[str, ...]) -> None:
        self.columns = columns
        names = ", ".join(f'"{c}"' for c in columns)
        updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns[1:])
        into, replacing = (
            f"INSERT INTO {table} ({names})",
            f"ON CONFLICT ({columns[0]}) DO UPDATE SET {updates}",
        )
        self.each = f"{into} VALUES ({', '.join(f':{c}' for c in columns)}) {replacing}"
        """One row per execution, run as an executemany (SQLite, and the `sqlite3` module)."""
        self.arrays = (
            f"{into} SELECT * FROM unnest({', '.join(f'CAST(:{c} AS text[])' for c in columns)}) {replacing}"
        )
        """PostgreSQL: all the rows in one statement, an array per column. An executemany
        there (psycopg2's `execute_batch`) sends pages of statements, and the server parses
        and plans each one again."""

    def run(self, connection: Connection, rows: Iterable[dict[str, Any]]) -> None:
        """Write the rows (of one key, the last one given: one statement may change a row once)."""
        unique = list({row[self.columns[0]]: row for row in rows}.values())
        if not unique:
            return
        if connection.dialect.name == "postgresql":
            connection.execute(text(self.arrays), {c: [row[c] for row in unique] for c in self.columns})
        else:
            connection.execute(text(self.each), unique)


STARTUPS = Upsert("startup_view", STARTUP_COLUMNS)
CHALLENGES = Upsert("challenge_view", CHALLENGE_COLUMNS)


def startup_row(view: StartupView) -> dict[str, Any]:
    return {
        "startup_id": view.startup_id,
        "company_name": view.company_name,
        "challenge_id": view.challenge_id,
        "city_id": view.city_id,
        "phase": view.phase,
        "view": view.model_dump_json(),
    }


def challenge_row(view: ChallengeView) -> dict[str, Any]:
    return {"challenge_id": view.challenge_id, "city_id": view.city_id, "view": view.model_dump_json()}
