"""The scheduler service: apscheduler asks every partition's owner to check its deadlines.

One scheduler at a time: replicas wait for a PostgreSQL advisory lock, so the job never
fires twice (accelerator/scheduling.py keeps the job itself). The rules (what is overdue,
when a call closes, when six months are over) are pure functions run by the owners.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from sqlalchemy import text

from accelerator import scheduling
from accelerator.kafka.client import KafkaRuntime
from accelerator.settings import Settings
from services.kernel import SystemClock

log = logging.getLogger(__name__)
LOCK_ID = 0x41434354


def run(settings: Settings, keep_going: Callable[[], bool] = lambda: True) -> None:
    runtime = KafkaRuntime(settings, SystemClock())
    try:
        with runtime.engine.connect() as leader:
            while not leader.execute(text("SELECT pg_try_advisory_lock(:id)"), {"id": LOCK_ID}).scalar():
                if not keep_going():
                    return
                log.info("scheduler: another scheduler leads; waiting")
                time.sleep(5)
            scheduling.run(runtime, runtime.engine, settings.scheduler_interval_seconds, keep_going)
    finally:
        runtime.close()


def leader(settings: Settings) -> bool:
    """Whether a scheduler holds the lock (is alive and leading) for this read model's database."""
    from accelerator.kafka.client import read_model_engine

    engine = read_model_engine(settings)
    try:
        with engine.connect() as connection:
            held = connection.execute(
                text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :id AND granted"),
                {"id": LOCK_ID},
            ).scalar()
            return bool(held)
    finally:
        engine.dispose()
