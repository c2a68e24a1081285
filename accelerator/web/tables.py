"""The web app's own tables, beside the log: API tokens, one-time login links, the session
secret and what each Idempotency-Key was used for.

Embedded: in the SQLite store (registered by accelerator/embedded/files.py). Kafka: in the
PostgreSQL read-model database (`accelerator.web.tokens.engine_for`). Tokens and links are
stored only as SHA-256 digests: the secret itself is shown once and never kept.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class TokenRow(SQLModel, table=True):
    __tablename__ = "api_token"

    token_id: str = Field(primary_key=True)
    """The public part of the token (`acc_<id>.<secret>`): found by it, then compared by digest."""
    role: str
    holder: str
    digest: str
    created_at: datetime
    revoked_at: datetime | None = None


class LoginLinkRow(SQLModel, table=True):
    """A one-time login link for a token: used once, or not after it expires."""

    __tablename__ = "login_link"

    digest: str = Field(primary_key=True)
    token_id: str = Field(index=True)
    expires_at: datetime


class WebSecretRow(SQLModel, table=True):
    """Secrets the web app makes itself once (the key that signs session cookies)."""

    __tablename__ = "web_secret"

    name: str = Field(primary_key=True)
    value: str


class IdempotencyRow(SQLModel, table=True):
    """Which request an Idempotency-Key was first used for: the same key with another body
    is refused instead of silently answered with the first outcome."""

    __tablename__ = "idempotency_key"

    command_id: str = Field(primary_key=True)
    fingerprint: str
    created_at: datetime


TABLES = (TokenRow, LoginLinkRow, WebSecretRow, IdempotencyRow)
