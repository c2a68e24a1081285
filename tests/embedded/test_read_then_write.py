"""What reads the SQLite store and then writes to it, while another thread writes too.

In WAL mode, a transaction that began by reading cannot go on to write once another connection
has committed since: SQLite refuses it at once with "database is locked", without waiting. The
webhook dispatcher (a thread per subscription), the web app's tokens, login links and
idempotency keys (a thread per request) all read and then write; each must take the write lock
as it begins. Two threads, each doing its own work over and over at the same moment.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from accelerator.embedded.files import open_engine
from accelerator.settings import Settings
from accelerator.web import idempotency
from accelerator.web.roles import Role
from accelerator.web.tables import IdempotencyRow
from accelerator.web.tokens import TokenStore, create_tables
from accelerator.webhooks.dispatcher import Dispatcher
from accelerator.webhooks.sender import Result
from accelerator.webhooks.tables import DeliveryRow
from services.subscriptions import commands as subs

ROUNDS = 150


def race(work: Callable[[int, int], None]) -> list[str]:
    """Two threads, each doing `work(thread, round)` ROUNDS times at once: the errors they met."""
    errors: list[str] = []
    start = threading.Barrier(2)

    def run(which: int) -> None:
        start.wait()
        for round_ in range(ROUNDS):
            try:
                work(which, round_)
            except Exception as error:
                errors.append(f"{type(error).__name__}: {error}".splitlines()[0])

    threads = [threading.Thread(target=run, args=(which,)) for which in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return errors


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = open_engine(tmp_path / "brugge.db")
    create_tables(engine)
    return engine


def test_two_queues_record_their_deliveries_at_once(engine: Engine, tmp_path: Path) -> None:
    settings = Settings(store=tmp_path / "brugge.db", webhook_key_file=tmp_path / "webhook.key")
    now = datetime.now(UTC)
    rows = [
        DeliveryRow(
            subscription_id=f"sub-{which}",
            position=1,
            event_id=str(uuid.uuid4()),
            subject="brugge-mobility-2027",
            event_type="accelerator.programme.challenge_published.v2",
            event_time=now,
            envelope="{}",
            next_attempt_at=now,
            deadline=now + timedelta(days=1),
        )
        for which in (0, 1)
    ]
    with Session(engine) as session:
        session.add_all(rows)
        session.commit()
        ids = [row.id for row in rows]
    dispatcher = Dispatcher(engine, settings, on_gone=lambda _: None)

    errors = race(lambda which, _: dispatcher._record(ids[which], Result(False, status=503)))

    assert errors == []
    with Session(engine) as session:
        assert [session.get(DeliveryRow, i).attempts for i in ids] == [ROUNDS, ROUNDS]  # type: ignore[union-attr]


def test_tokens_are_revoked_and_login_links_redeemed_at_once(engine: Engine) -> None:
    tokens = TokenStore(engine)
    redeemed: list[str] = []

    def work(which: int, round_: int) -> None:
        issued = tokens.create(Role.parse("manager"), f"manager {which}.{round_}")
        principal = tokens.redeem(tokens.login_link(issued.principal.token_id))
        assert principal is not None
        redeemed.append(principal.token_id)
        tokens.revoke(issued.principal.token_id)

    errors = race(work)

    assert errors == []
    assert len(redeemed) == 2 * ROUNDS
    assert all(row.revoked_at is not None for row in tokens.list())


def test_idempotency_keys_and_web_secrets_are_kept_at_once(engine: Engine) -> None:
    tokens = TokenStore(engine)
    made: dict[str, str] = {}

    def work(which: int, round_: int) -> None:
        ended = subs.EndSubscription(subscription_id=f"sub-brugge{which:04d}", reason=f"round {round_}")
        idempotency.claim(engine, str(uuid.uuid4()), ended)
        made[f"secret {which}.{round_}"] = tokens.secret(f"secret {which}.{round_}")

    errors = race(work)

    assert errors == []
    assert all(tokens.secret(name) == value for name, value in made.items()), "each kept as made"
    with Session(engine) as session:
        assert len(session.exec(select(IdempotencyRow)).all()) == 2 * ROUNDS
