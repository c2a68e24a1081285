"""apscheduler triggers the deadline check; its job is durable and has one fixed id."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

from sqlalchemy import text

from accelerator import scheduling
from accelerator.embedded.runtime import EmbeddedRuntime
from services.intake.commands import PublishChallenge
from services.kernel import VirtualClock
from tests import builders as b
from tests.fakes import at


def until(condition: Callable[[], bool], seconds: float = 20) -> Callable[[], bool]:
    """Keep the scheduler going until the condition holds (or time is up)."""
    deadline = time.monotonic() + seconds
    return lambda: not condition() and time.monotonic() < deadline


def jobs(runtime: EmbeddedRuntime) -> list[str]:
    with runtime.engine.connect() as connection:
        return [row[0] for row in connection.execute(text(f"SELECT id FROM {scheduling.JOB_TABLE}"))]


def test_the_scheduler_opens_a_call_on_its_first_day(runtime: EmbeddedRuntime, clock: VirtualClock) -> None:
    runtime.handle(PublishChallenge(**b.published().model_dump()))
    clock.set(at(date(2027, 1, 11)))
    opened = lambda: [c.status for c in runtime.challenges()] == ["open"]  # noqa: E731
    scheduling.run(runtime, runtime.engine, interval=3600, keep_going=until(opened))
    assert opened()


def test_a_restarted_scheduler_keeps_one_job(runtime: EmbeddedRuntime) -> None:
    for _ in range(2):
        scheduling.run(runtime, runtime.engine, interval=3600, keep_going=until(lambda: True, 0))
    assert jobs(runtime) == [scheduling.JOB_ID]
