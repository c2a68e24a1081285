"""The SQL read model (sqlmodel): one row per startup and per challenge.

A row keeps the view as JSON and a few columns to filter on. The runtime writes rows and
the projector's position in one transaction, so an event is never applied twice.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Field, Session, SQLModel, select

from services.projector.views import ChallengeView, StartupView


class StartupRow(SQLModel, table=True):
    __tablename__ = "startup_view"

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
    for view in views:
        session.merge(
            StartupRow(
                startup_id=view.startup_id,
                company_name=view.company_name,
                challenge_id=view.challenge_id,
                city_id=view.city_id,
                phase=view.phase,
                view=view.model_dump_json(),
            )
        )


def save_challenges(session: Session, views: Iterable[ChallengeView]) -> None:
    for view in views:
        session.merge(
            ChallengeRow(challenge_id=view.challenge_id, city_id=view.city_id, view=view.model_dump_json())
        )


def startups(session: Session, city: str | None = None) -> list[StartupView]:
    query = select(StartupRow).order_by(StartupRow.challenge_id, StartupRow.company_name)
    if city:
        query = query.where(StartupRow.city_id == city)
    return [row.to_view() for row in session.exec(query)]


def challenges(session: Session) -> list[ChallengeView]:
    query = select(ChallengeRow).order_by(ChallengeRow.challenge_id)
    return [row.to_view() for row in session.exec(query)]
