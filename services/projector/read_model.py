"""The SQL read model (sqlmodel): one row per startup and per challenge, and its queries.

A row keeps the view as JSON and a few columns to filter and sort on, each list an index
walks in order (a page of a city's startups reads that page, not the city). The runtime
writes rows and the projector's position in one transaction, so an event is never applied
twice. Writes go through plain upserts (rows.py): no ORM object per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Index, func, text
from sqlmodel import Field, Session, SQLModel, col, select

from services.projector.rows import CHALLENGES, STARTUPS, challenge_row, startup_row
from services.projector.views import ChallengeView, StartupView

LISTING = ("challenge_id", "company_name", "startup_id")
"""How startups are listed: by challenge, then company (the id breaks ties, so pages are stable)."""


class StartupRow(SQLModel, table=True):
    __tablename__ = "startup_view"
    __table_args__ = (
        Index("ix_startup_view_listing", *LISTING),
        Index("ix_startup_view_city_listing", "city_id", *LISTING),
        Index("ix_startup_view_phase_listing", "phase", *LISTING),
        Index("ix_startup_view_company_lower", func.lower(text("company_name"))),
    )

    startup_id: str = Field(primary_key=True)
    company_name: str = Field(index=True)
    challenge_id: str = Field(index=True)
    city_id: str = Field(index=True)
    phase: str = Field(index=True)
    view: str

    def to_view(self) -> StartupView:
        return StartupView.model_validate_json(self.view)


class ChallengeRow(SQLModel, table=True):
    __tablename__ = "challenge_view"

    challenge_id: str = Field(primary_key=True)
    city_id: str = Field(index=True)
    view: str

    def to_view(self) -> ChallengeView:
        return ChallengeView.model_validate_json(self.view)


def save_startups(session: Session, views: Iterable[StartupView]) -> None:
    STARTUPS.run(session.connection(), (startup_row(view) for view in views))


def save_challenges(session: Session, views: Iterable[ChallengeView]) -> None:
    CHALLENGES.run(session.connection(), (challenge_row(view) for view in views))


def startup(session: Session, startup_id: str) -> StartupView | None:
    """One startup's view, by its id."""
    found = session.exec(select(StartupRow.view).where(StartupRow.startup_id == startup_id)).first()
    return StartupView.model_validate_json(found) if found else None


def startups_by_id(session: Session, ids: Sequence[str]) -> dict[str, StartupView]:
    """The views of these startups that exist (the projector's batch loads them at once)."""
    found: dict[str, StartupView] = {}
    for start in range(0, len(ids), 500):  # SQLite takes at most 999 parameters at once
        query = select(StartupRow.startup_id, StartupRow.view).where(
            col(StartupRow.startup_id).in_(ids[start : start + 500])
        )
        found.update((key, StartupView.model_validate_json(view)) for key, view in session.exec(query))
    return found


def challenges_by_id(session: Session, ids: Sequence[str]) -> dict[str, ChallengeView]:
    query = select(ChallengeRow.challenge_id, ChallengeRow.view).where(
        col(ChallengeRow.challenge_id).in_(ids)
    )
    return {key: ChallengeView.model_validate_json(view) for key, view in session.exec(query)} if ids else {}


def startups_page(
    session: Session,
    city: str | None = None,
    phase: str | None = None,
    challenge: str | None = None,
    limit: int | None = 50,
    page: int = 1,
) -> list[StartupView]:
    """One page of startups (None: all of them), filtered, in the listing order."""
    query = _filtered(select(StartupRow.view), city, phase, challenge)
    query = query.order_by(*(col(getattr(StartupRow, c)) for c in LISTING))
    if limit is not None:
        query = query.limit(limit).offset(limit * (max(page, 1) - 1))
    return [StartupView.model_validate_json(view) for view in session.exec(query)]


def count_startups(
    session: Session, city: str | None = None, phase: str | None = None, challenge: str | None = None
) -> int:
    query = _filtered(select(func.count()).select_from(StartupRow), city, phase, challenge)
    return int(session.exec(query).one())


def _filtered(query: Any, city: str | None, phase: str | None, challenge: str | None) -> Any:
    for column, value in (("city_id", city), ("phase", phase), ("challenge_id", challenge)):
        if value is not None:
            query = query.where(col(getattr(StartupRow, column)) == value)
    return query


def startups(session: Session, city: str | None = None) -> list[StartupView]:
    """Every startup (of one city), in the listing order."""
    return startups_page(session, city=city, limit=None)


def find_startups(session: Session, ref: str) -> list[str]:
    """The ids of the startups `ref` names: its id, an id prefix, or its company name (case
    does not matter), each found by an index. Sorted; empty when none.

    A name in plain ASCII is looked up by the index of lower-cased names, so a company
    whose name folds differently from how it lowers ("Straße") is found by its own spelling
    or any non-ASCII one; the other names are compared with `casefold()` one by one."""
    if session.exec(select(StartupRow.startup_id).where(StartupRow.startup_id == ref)).first():
        return [ref]
    prefixed = select(StartupRow.startup_id).where(
        col(StartupRow.startup_id) >= ref, col(StartupRow.startup_id) < ref + "\U0010ffff"
    )
    found = set(session.exec(prefixed))
    named = select(StartupRow.startup_id, StartupRow.company_name)
    if ref.isascii():  # SQLite's lower() folds ASCII letters only: the index finds these
        named = named.where(func.lower(StartupRow.company_name) == ref.lower())
    found |= {key for key, name in session.exec(named) if name.casefold() == ref.casefold()}
    return sorted(found)


def challenges(session: Session) -> list[ChallengeView]:
    query = select(ChallengeRow).order_by(col(ChallengeRow.challenge_id))
    return [row.to_view() for row in session.exec(query)]
