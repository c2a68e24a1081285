"""The read model's rows as plain SQL: what is written for a view, and the statements that
write it, for the hot paths (the projector's batches, a rebuild) that skip the ORM.

The same statements run through a SQLAlchemy session (SQLite and PostgreSQL both speak
`INSERT ... ON CONFLICT DO UPDATE`) and through the `sqlite3` module, which a rebuild uses
to stay small. The tables themselves are declared in read_model.py.
"""

from __future__ import annotations

from typing import Any

from services.projector.views import ChallengeView, StartupView

STARTUP_COLUMNS = ("startup_id", "company_name", "challenge_id", "city_id", "phase", "view")
CHALLENGE_COLUMNS = ("challenge_id", "city_id", "view")


def _upsert(table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    values = ", ".join(f":{c}" for c in columns)
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns[1:])
    return (
        f"INSERT INTO {table} ({names}) VALUES ({values}) ON CONFLICT ({columns[0]}) DO UPDATE SET {updates}"
    )


UPSERT_STARTUP = _upsert("startup_view", STARTUP_COLUMNS)
UPSERT_CHALLENGE = _upsert("challenge_view", CHALLENGE_COLUMNS)


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
