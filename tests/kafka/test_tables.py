"""Workers that start together create the read model's tables once, without refusing each other."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.exc import SQLAlchemyError

from accelerator.kafka.client import create_tables
from accelerator.kafka.projector import TABLES
from services.projector import read_model
from tests.cluster import scratch_database

pytestmark = pytest.mark.kafka

READ_MODEL = [read_model.StartupRow.__table__, read_model.ChallengeRow.__table__, *TABLES]  # type: ignore[attr-defined]
WORKERS = 8


@pytest.fixture
def url() -> Iterator[str]:
    with scratch_database("tables") as made:
        yield made


def test_workers_creating_the_tables_at_once_all_go_on(url: str) -> None:
    engines = [create_engine(url) for _ in range(WORKERS)]
    for engine in engines:  # each with its connection open, as a started worker has
        engine.connect().close()
    together, failures = threading.Barrier(WORKERS), []

    def start(engine: object) -> None:
        together.wait()
        try:
            create_tables(engine, READ_MODEL)  # type: ignore[arg-type]
        except SQLAlchemyError as error:
            failures.append(error)

    threads = [threading.Thread(target=start, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    assert {t.name for t in READ_MODEL} <= set(inspect(engines[0]).get_table_names())
    for engine in engines:
        engine.dispose()
