"""apscheduler only triggers the deadline check; the rules live in services/scheduler.

The same for both runtimes: one job with a fixed id in a durable SQLAlchemy job store
(SQLite embedded, PostgreSQL on Kafka), so a restarted scheduler replaces its job instead of
adding one that would fire twice. On Kafka a PostgreSQL advisory lock keeps it to one replica.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine

from accelerator.runtime import Runtime

log = logging.getLogger(__name__)
JOB_ID = "accelerator-deadline-check"
JOB_TABLE = "scheduler_jobs"

_runtime: Runtime | None = None
"""The job store pickles jobs: the job finds this process's runtime here, not in its args."""


def check_deadlines() -> None:
    assert _runtime is not None, "the scheduler job runs only inside `run`"
    for event in _runtime.tick():
        log.info("scheduler: %s %s", type(event).__name__, event.subject)


def run(runtime: Runtime, jobs: Engine, interval: int, keep_going: Callable[[], bool]) -> None:
    """Check now, then every `interval` seconds, until `keep_going` says stop."""
    global _runtime
    _runtime = runtime
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=jobs, tablename=JOB_TABLE)},
        job_defaults={"coalesce": True, "max_instances": 1},
    )
    scheduler.add_job(
        check_deadlines,
        "interval",
        seconds=interval,
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


def for_seconds(seconds: float | None) -> Callable[[], bool]:
    """Keep going until `seconds` have passed (forever if None)."""
    deadline = time.monotonic() + seconds if seconds is not None else None
    return lambda: deadline is None or time.monotonic() < deadline
