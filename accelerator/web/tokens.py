"""API tokens: created with a role and a holder, shown once, stored as a SHA-256 digest,
revoked for good; one-time login links for the browser; the session-signing secret.

A token reads `acc_<id>.<secret>`: 256 random bits after the public id. The id finds the
row; the digest of the whole token is compared in constant time, so neither a wrong secret
nor a wrong id takes measurably longer to refuse. The holder is the actor of every command
sent with the token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from accelerator.embedded.files import writer
from accelerator.settings import Settings
from accelerator.web.roles import Role
from accelerator.web.tables import TABLES, LoginLinkRow, TokenRow, WebSecretRow
from events.base import CONTROL

PREFIX = "acc_"
LINK_LIFETIME = timedelta(minutes=15)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who is asking: the token's id, its role and its holder (the actor of its commands)."""

    token_id: str
    role: Role
    holder: str


@dataclass(frozen=True)
class Issued:
    principal: Principal
    token: str
    """The token itself: shown once, never stored."""


def engine_for(settings: Settings) -> Engine:
    """Where tokens are kept: the SQLite store (embedded) or the PostgreSQL read model (Kafka)."""
    if settings.runtime == "kafka":
        from accelerator.kafka.client import read_model_engine

        engine = read_model_engine(settings)
    else:
        from accelerator.embedded.files import open_engine

        engine = open_engine(settings.store)
    create_tables(engine)
    return engine


def create_tables(engine: Engine) -> None:
    """The web app's tables in this database (a no-op where they exist)."""
    SQLModel.metadata.create_all(engine, tables=[SQLModel.metadata.tables[t.__tablename__] for t in TABLES])


class TokenStore:
    def __init__(self, engine: Engine, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.engine, self.now = engine, now
        self.writes = writer(engine)  # a request's thread reads a row, then writes it

    def create(self, role: Role, holder: str) -> Issued:
        holder = holder.strip()
        if not holder or len(holder) > 200 or CONTROL.search(holder):
            raise ValueError("holder: must be a name of 1 to 200 printable characters")
        token_id = secrets.token_hex(6)
        token = f"{PREFIX}{token_id}.{secrets.token_urlsafe(32)}"
        row = TokenRow(
            token_id=token_id, role=str(role), holder=holder, digest=digest(token), created_at=self.now()
        )
        with Session(self.writes) as session:
            session.add(row)
            session.commit()
        return Issued(Principal(token_id, role, holder), token)

    def list(self) -> list[TokenRow]:
        with Session(self.engine) as session:
            return list(session.exec(select(TokenRow).order_by(col(TokenRow.created_at))))

    def revoke(self, token_id: str) -> TokenRow:
        with Session(self.writes) as session:
            row = session.get(TokenRow, token_id.removeprefix(PREFIX))
            if row is None:
                raise LookupError(f"token: no token {token_id!r} (see accelerator tokens list)")
            if row.revoked_at is None:
                row.revoked_at = self.now()
                session.add(row)
                session.commit()
                session.refresh(row)
            return row

    def authenticate(self, token: str) -> Principal | None:
        """The principal of a valid, unrevoked token; None for anything else."""
        token_id = token.removeprefix(PREFIX).partition(".")[0]
        row = self.principal_row(token_id)
        expected = row.digest if row else digest("no such token")
        matches = hmac.compare_digest(expected, digest(token))
        return _principal(row) if row and matches else None

    def principal(self, token_id: str) -> Principal | None:
        """The principal of a token by its id (a browser session keeps only that), if still valid."""
        row = self.principal_row(token_id)
        return _principal(row) if row else None

    def principal_row(self, token_id: str) -> TokenRow | None:
        with Session(self.engine) as session:
            row = session.get(TokenRow, token_id)
        return row if row is not None and row.revoked_at is None else None

    def login_link(self, token_id: str) -> str:
        """A one-time code that logs a browser in as this token's holder (15 minutes)."""
        if self.principal(token_id) is None:
            raise LookupError(f"token: no valid token {token_id!r}")
        code = secrets.token_urlsafe(32)
        with Session(self.writes) as session:
            session.add(
                LoginLinkRow(digest=digest(code), token_id=token_id, expires_at=self.now() + LINK_LIFETIME)
            )
            session.commit()
        return code

    def redeem(self, code: str) -> Principal | None:
        """The principal of a login code, which can never be used again."""
        with Session(self.writes) as session:
            row = session.get(LoginLinkRow, digest(code))
            if row is None:
                return None
            session.delete(row)
            session.commit()
        expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
        return self.principal(row.token_id) if expires > self.now() else None

    def secret(self, name: str) -> str:
        """A secret made once and kept (e.g. the key that signs session cookies)."""
        with Session(self.writes) as session:
            row = session.get(WebSecretRow, name)
            if row is not None:
                return row.value
            value = secrets.token_urlsafe(48)
            session.add(WebSecretRow(name=name, value=value))
            try:
                session.commit()
            except IntegrityError:  # another process made it first: theirs is the one
                session.rollback()
                return self.secret(name)
            return value


def _principal(row: TokenRow) -> Principal:
    return Principal(row.token_id, Role.parse(row.role), row.holder)
