"""Feed tokens: a city's bearer token for its HTTP feed, shown once, kept only as a SHA-256.

A token is 32 random bytes (`acf_...`): a hash without salt is enough for a secret that long
(nobody guesses it from its hash), and it lets a request be checked by one indexed look-up.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Field, Session, SQLModel, col, select

PREFIX = "acf_"


class FeedTokenRow(SQLModel, table=True):
    __tablename__ = "feed_token"

    digest: str = Field(primary_key=True)
    city: str = Field(index=True)
    issued_at: datetime
    revoked: bool = False


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(engine: Engine, city: str) -> str:
    token = PREFIX + secrets.token_urlsafe(32)
    with Session(engine) as session:
        session.add(FeedTokenRow(digest=digest(token), city=city, issued_at=datetime.now(UTC)))
        session.commit()
    return token


def revoke(engine: Engine, city: str) -> int:
    with Session(engine) as session:
        rows = list(
            session.exec(
                select(FeedTokenRow).where(FeedTokenRow.city == city, col(FeedTokenRow.revoked).is_(False))
            )
        )
        for row in rows:
            row.revoked = True
            session.add(row)
        session.commit()
        return len(rows)


def city_of(engine: Engine, token: str) -> str | None:
    """The city a live token belongs to (None: unknown or revoked)."""
    with Session(engine) as session:
        row = session.get(FeedTokenRow, digest(token))
    if row is None or row.revoked or not hmac.compare_digest(row.digest, digest(token)):
        return None
    return row.city


def create_table(engine: Engine) -> None:
    SQLModel.metadata.create_all(engine, tables=[FeedTokenRow.__table__])  # type: ignore[attr-defined]
