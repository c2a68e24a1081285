"""Tokens and what never leaks: stored as digests, revoked for good, one-time links used once
and never shown in access logs."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, select

from accelerator.bootstrap import embedded
from accelerator.settings import Settings
from accelerator.web.roles import Kind, Role
from accelerator.web.server import HideLoginLinks
from accelerator.web.tables import TokenRow
from accelerator.web.tokens import TokenStore
from tests.fakes import at


def store(tmp_path: Path) -> TokenStore:
    from services.kernel import VirtualClock

    runtime = embedded(Settings(store=tmp_path / "tokens.db"), VirtualClock(at(datetime(2027, 1, 4).date())))
    return TokenStore(runtime.engine)


def test_a_token_is_stored_only_as_its_digest(tmp_path: Path) -> None:
    tokens = store(tmp_path)
    issued = tokens.create(Role(Kind.CITY, "brugge"), "Brugge integrator")
    with Session(tokens.engine) as session:
        (row,) = session.exec(select(TokenRow))
    assert issued.token.startswith(f"acc_{row.token_id}.") and len(issued.token) > 50
    assert issued.token not in row.model_dump_json() and row.digest != issued.token
    assert tokens.authenticate(issued.token) == issued.principal


def test_a_wrong_secret_or_a_revoked_token_is_nobody(tmp_path: Path) -> None:
    tokens = store(tmp_path)
    issued = tokens.create(Role(Kind.FINANCE), "Finn Finance")
    token_id = issued.principal.token_id
    assert tokens.authenticate(f"acc_{token_id}.not-the-secret") is None
    assert tokens.authenticate("garbage") is None
    tokens.revoke(token_id)
    assert tokens.authenticate(issued.token) is None and tokens.principal(token_id) is None


def test_a_login_link_works_once_and_not_after_it_expires(tmp_path: Path) -> None:
    tokens = store(tmp_path)
    issued = tokens.create(Role(Kind.MANAGER), "An Programme")
    code = tokens.login_link(issued.principal.token_id)
    assert tokens.redeem(code) == issued.principal
    assert tokens.redeem(code) is None
    late = tokens.login_link(issued.principal.token_id)
    tokens.now = lambda: datetime.now(UTC) + timedelta(minutes=16)
    assert tokens.redeem(late) is None


def test_roles_are_read_strictly() -> None:
    assert Role.parse("city:brugge") == Role(Kind.CITY, "brugge")
    assert str(Role.parse("startup:st-0d881f90")) == "startup:st-0d881f90"
    for wrong in ("city", "manager:brugge", "mayor", "city:Brugge!"):
        try:
            Role.parse(wrong)
        except ValueError as error:
            assert str(error).startswith("role: ")
        else:
            raise AssertionError(wrong)


def test_access_logs_never_show_a_login_code() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/login/link/s3cr3t-code", "1.1", 303),
        None,
    )
    HideLoginLinks().filter(record)
    assert "s3cr3t" not in record.getMessage() and "/login/link/…" in record.getMessage()
