"""apscheduler only triggers the deadline check; the rules live in services/scheduler.

One scheduler per store, a durable SQLAlchemy job store in the store's own file, and a
deterministic job id, so a restarted (or second) scheduler replaces the job instead of
adding another one that would fire twice.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from accelerator.embedded.runtime import EmbeddedRuntime

log = logging.getLogger(__name__)
JOB_ID = "accelerator-deadline-check"


_runtime: EmbeddedRuntime | None = None
"""The job store pickles jobs: the job finds this process's runtime here, not in its args."""


def check_deadlines() -> None:
    assert _runtime is not None, "the scheduler job runs only inside `run_forever`"
    for event in _runtime.tick():
        log.info("scheduler: %s %s", type(event).__name__, event.subject)


def run_forever(runtime: EmbeddedRuntime, interval: int, seconds: float | None = None) -> None:
    global _runtime
    _runtime = runtime
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=runtime.engine, tablename="scheduler_jobs")},
        job_defaults={"coalesce": True, "max_instances": 1},
    )
    scheduler.add_job(
        check_deadlines,
        "interval",
        seconds=interval,
        id=JOB_ID,
        replace_existing=True,
        next_run_time=None,
    )
    scheduler.start()
    scheduler.modify_job(JOB_ID, next_run_time=datetime.now().astimezone())
    deadline = time.monotonic() + seconds if seconds is not None else None
    try:
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        scheduler.shutdown()
