"""Run one worker in this process, or every worker as child processes (`accelerator up`)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from types import FrameType
from typing import TYPE_CHECKING

from accelerator.settings import Settings
from events.topics import SERVICES

if TYPE_CHECKING:
    from accelerator.kafka.cities import CitiesWorker
    from accelerator.kafka.service import ServiceWorker

WORKERS = (*SERVICES, "projector", "cities", "scheduler")
log = logging.getLogger(__name__)


class Stop:
    """SIGTERM or SIGINT ends the loop after the message in hand, never in the middle of it."""

    def __init__(self) -> None:
        self.requested = False
        signal.signal(signal.SIGTERM, self._request)
        signal.signal(signal.SIGINT, self._request)

    def _request(self, _signum: int, _frame: FrameType | None) -> None:
        self.requested = True

    def keep_going(self) -> bool:
        return not self.requested


def run(name: str, settings: Settings) -> None:
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s {name} %(levelname)s %(message)s")
    if name == "projector":
        from faust import Worker

        from accelerator.kafka.projector import create_app

        Worker(create_app(settings), loglevel="warning", quiet=True).execute_from_commandline()
        return
    stop = Stop()
    if name == "scheduler":
        from accelerator.kafka import scheduler

        scheduler.run(settings, stop.keep_going)
        return
    backoff = 1.0
    while stop.keep_going():
        worker = None
        try:
            worker = _looping_worker(name, settings)
            backoff = 1.0
            worker.run(stop.keep_going)
        except Exception:  # the broker went away, a transaction was fenced: start over
            # Nothing is lost: what was not committed is consumed again; nothing is doubled:
            # commands carry ids, events versions.
            log.exception("%s: restarting in %.0f s", name, backoff)
            time.sleep(backoff)
            backoff = min(backoff * 2, 30)
        finally:
            if worker is not None:
                _close_quietly(worker)


def _close_quietly(worker: CitiesWorker | ServiceWorker) -> None:
    try:
        worker.close()
    except Exception:
        log.warning("closing after a failure failed too", exc_info=True)


def _looping_worker(name: str, settings: Settings) -> CitiesWorker | ServiceWorker:
    if name == "cities":
        from accelerator.kafka.cities import CitiesWorker

        return CitiesWorker(settings)
    from accelerator.kafka.service import ServiceWorker

    return ServiceWorker(name, settings, instance=os.environ.get("ACCELERATOR_INSTANCE", "1"))


def environment(settings: Settings) -> dict[str, str]:
    """The settings as ACCELERATOR_* variables, so child processes see what the parent sees."""
    values = settings.model_dump(mode="json", exclude={"now", "store"})
    env = {f"ACCELERATOR_{k.upper()}": (v if isinstance(v, str) else _json(v)) for k, v in values.items()}
    return {**os.environ, **env, "ACCELERATOR_RUNTIME": "kafka"}


def _json(value: object) -> str:
    import json

    return json.dumps(value)


def spawn(name: str, settings: Settings) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "accelerator.cli", "worker", name], env=environment(settings)
    )


def up(settings: Settings, names: tuple[str, ...] = WORKERS) -> int:
    """Start the workers; on Ctrl-C (or SIGTERM) stop them all cleanly; restart none."""
    children = {name: spawn(name, settings) for name in names}
    stop = Stop()
    try:
        while stop.keep_going() and all(child.poll() is None for child in children.values()):
            time.sleep(0.2)
    finally:
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 20
        for name, child in children.items():
            try:
                child.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop in time; killing it", name)
                child.kill()
    failed = [name for name, child in children.items() if child.returncode not in (0, -signal.SIGTERM)]
    return 1 if failed and not stop.requested else 0
