"""The scheduler service: apscheduler asks every partition's owner to check its deadlines.

One scheduler at a time: replicas wait for a PostgreSQL advisory lock, so the job never
fires twice; the job has a fixed id in a durable SQLAlchemy job store. The rules (what is
overdue, when a call closes, when six months are over) are pure functions run by the owners.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import text

from accelerator.kafka.client import KafkaRuntime
from accelerator.settings import Settings
from services.kernel import SystemClock

log = logging.getLogger(__name__)
JOB_ID = "accelerator-deadline-check"
LOCK_ID = 0x41434354


_runtime: KafkaRuntime | None = None
"""The job store pickles jobs: the job finds this process's runtime here, not in its args."""


def check_deadlines() -> None:
    assert _runtime is not None, "the scheduler job runs only inside `run`"
    for event in _runtime.tick():
        log.info("scheduler: %s %s", type(event).__name__, event.subject)


def run(settings: Settings, keep_going: Callable[[], bool] = lambda: True) -> None:
    global _runtime
    runtime = _runtime = KafkaRuntime(settings, SystemClock())
    with runtime.engine.connect() as leader:
        while not leader.execute(text("SELECT pg_try_advisory_lock(:id)"), {"id": LOCK_ID}).scalar():
            if not keep_going():
                return
            log.info("scheduler: another scheduler leads; waiting")
            time.sleep(5)
        scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=runtime.engine, tablename="scheduler_jobs")},
            job_defaults={"coalesce": True, "max_instances": 1},
        )
        scheduler.add_job(
            check_deadlines,
            "interval",
            seconds=settings.scheduler_interval_seconds,
            id=JOB_ID,
            replace_existing=True,
            next_run_time=datetime.now().astimezone(),
        )
        scheduler.start()
        try:
            while keep_going():
                time.sleep(0.2)
        finally:
            scheduler.shutdown()
            runtime.close()
