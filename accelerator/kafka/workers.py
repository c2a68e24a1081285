"""Run one worker in this process, or every worker as supervised child processes (`accelerator up`).

The workers are the services (one per entry of services.routing.SERVICES), the consumers of
the registry (services.consumers.CONSUMERS: policies, the projector, the cities feed), the
payments service's exporter (writes each SEPA file from the finance topic) and the
scheduler. Each has a watchdog (accelerator/kafka/health.py) that ends it when it has work and
makes no progress; `up` restarts any worker that ends, with backoff, and says so.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from types import FrameType
from typing import TYPE_CHECKING

from accelerator.heap import tune_for_long_work
from accelerator.kafka.topics import Names
from accelerator.settings import Settings
from services.consumers import CONSUMERS, Consumer, Deliveries, Projection
from services.routing import SERVICES

if TYPE_CHECKING:
    from accelerator.kafka.consumer import ConsumerWorker
    from accelerator.kafka.deliveries import DeliveriesWorker
    from accelerator.kafka.exporter import ExporterWorker
    from accelerator.kafka.projector import ProjectorWorker
    from accelerator.kafka.service import ServiceWorker

    Worker = ConsumerWorker | ServiceWorker | ExporterWorker | DeliveriesWorker | ProjectorWorker

PR_SET_PDEATHSIG = 1
EXPORTER = "exporter"
WORKERS: tuple[str, ...] = (*SERVICES, *(c.name for c in CONSUMERS), EXPORTER, "scheduler")
log = logging.getLogger("accelerator.workers")


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


def _entry(name: str) -> Consumer | None:
    return next((c for c in CONSUMERS if c.name == name), None)


def watched_topics(name: str, settings: Settings) -> list[str]:
    """What a worker's consumer group reads (the scheduler has no group)."""
    names = Names(settings.topic_prefix)
    if name in SERVICES:
        return [names.commands(name)]
    if name == EXPORTER:
        return [names.finance]
    entry = _entry(name)
    if entry is None:
        return []
    if isinstance(entry.handler, Projection):
        return names.all_events()
    topics = [names.events(family) for family in entry.families]
    if isinstance(entry.handler, Deliveries):  # and every city topic (those provisioned up front)
        topics += [names.city(city) for city in settings.cities]
    return topics


def run(name: str, settings: Settings) -> None:
    settings = settings.model_copy(update={"kafka_role": name})  # its own principal on the broker
    logging.basicConfig(
        level=logging.INFO, format=f"%(asctime)s {name} %(levelname)s %(message)s", force=True
    )
    for client in ("kafka", "aiokafka"):
        logging.getLogger(client).setLevel(logging.WARNING)
    # SCRAM never sends the password; kafka-python warns at every connection of a loopback broker
    # without TLS all the same (a broker other hosts reach takes SASL_SSL: no warning then).
    logging.getLogger("kafka.net.sasl").setLevel(logging.ERROR)
    from accelerator.kafka.health import Watchdog

    topics = watched_topics(name, settings)
    if topics:
        Watchdog(settings, Names(settings.topic_prefix).group(name), topics).start()
    stop = Stop()
    if name == "scheduler":
        from accelerator.kafka import scheduler

        tune_for_long_work()
        scheduler.run(settings, stop.keep_going)
        return
    backoff = 1.0
    while stop.keep_going():
        worker = None
        try:
            worker = _looping_worker(name, settings)
            tune_for_long_work()  # what start-up built is never walked again
            backoff = 1.0
            worker.run(stop.keep_going)
        except Exception as error:  # the broker went away, a transaction was fenced: start over
            # Nothing is lost: what was not committed is consumed again; nothing is doubled:
            # commands carry ids, events versions.
            log.warning("%s: %s; starting over in %.0f s", name, error, backoff)
            log.debug("%s: what failed", name, exc_info=True)
            time.sleep(backoff)
            backoff = min(backoff * 2, 10)  # the clients wait for the broker themselves too
        finally:
            if worker is not None:
                _close_quietly(worker)


def _close_quietly(worker: Worker) -> None:
    try:
        worker.close()
    except Exception:
        log.warning("closing after a failure failed too", exc_info=True)


def _looping_worker(name: str, settings: Settings) -> Worker:
    instance = os.environ.get("ACCELERATOR_INSTANCE", "1")
    if name == EXPORTER:
        from accelerator.kafka.exporter import ExporterWorker

        return ExporterWorker(settings)
    entry = _entry(name)
    if entry is not None and isinstance(entry.handler, Deliveries):
        from accelerator.kafka.deliveries import DeliveriesWorker

        return DeliveriesWorker(entry, settings, instance)
    if entry is not None and isinstance(entry.handler, Projection):
        from accelerator.kafka.projector import ProjectorWorker

        return ProjectorWorker(entry, settings, instance)
    if entry is not None:
        from accelerator.kafka.consumer import ConsumerWorker

        return ConsumerWorker(entry, settings, instance)
    from accelerator.kafka.service import ServiceWorker

    return ServiceWorker(name, settings, instance)


def environment(settings: Settings) -> dict[str, str]:
    """The settings as ACCELERATOR_* variables, so child processes see what the parent sees
    (secrets as they are: the children log in with them)."""
    values = settings.model_dump(mode="json", exclude={"now", "store"}, exclude_none=True)
    for secret in ("kafka_password", "webhook_key"):
        value = getattr(settings, secret)
        if value is not None:
            values[secret] = value.get_secret_value()
    env = {f"ACCELERATOR_{k.upper()}": (v if isinstance(v, str) else _json(v)) for k, v in values.items()}
    return {**os.environ, **env, "ACCELERATOR_RUNTIME": "kafka"}


def _json(value: object) -> str:
    import json

    return json.dumps(value)


def spawn(name: str, settings: Settings) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "accelerator.kafka", name],
        env=environment(settings),
        preexec_fn=_die_with_parent,
    )


def _die_with_parent() -> None:
    """A worker gets SIGTERM when its supervisor dies, even by SIGKILL: no orphans (Linux)."""
    with contextlib.suppress(OSError):  # not Linux: a supervisor killed outright leaves them running
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    """One supervised worker: its process, and when it is to be started again after it ended."""

    name: str
    process: subprocess.Popen[bytes]
    backoff: float = 1.0
    restarts: int = 0
    started: float = field(default_factory=time.monotonic)
    restart_at: float | None = None


STABLE_SECONDS = 10
"""A worker that ran this long before it ended is restarted after 1 s again (backoff reset);
one that keeps ending sooner (a crash loop) waits 1, 2, 4 ... 30 s."""


def up(settings: Settings, names: tuple[str, ...] = WORKERS) -> int:
    """Start the workers and keep them running: one that ends is restarted, with backoff,
    until Ctrl-C (or SIGTERM) stops them all cleanly."""
    children = {name: Child(name, spawn(name, settings)) for name in names}
    log.info("up: started %s", ", ".join(names))
    stop = Stop()
    try:
        while stop.keep_going():
            for child in children.values():
                _supervise(child, settings)
            time.sleep(0.2)
    finally:
        _stop_all(children)
    return 0


def _supervise(child: Child, settings: Settings) -> None:
    code = child.process.poll()
    if code is None:
        return
    now = time.monotonic()
    if child.restart_at is None:
        ran = now - child.started
        if ran > STABLE_SECONDS:
            child.backoff = 1.0
        child.restart_at = now + child.backoff
        log.warning(
            "up: worker %s ended (%s) after %.0f s; restarting it in %.0f s",
            child.name,
            _how(code),
            ran,
            child.backoff,
        )
        return
    if now >= child.restart_at:
        child.process, child.started, child.restart_at = spawn(child.name, settings), now, None
        child.restarts += 1
        child.backoff = min(child.backoff * 2, 30)
        log.warning("up: worker %s restarted (restart %s)", child.name, child.restarts)


def _how(code: int) -> str:
    if code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return "stuck: its watchdog ended it" if code == 3 else f"exit code {code}"


def _stop_all(children: dict[str, Child]) -> None:
    for child in children.values():
        if child.process.poll() is None:
            child.process.terminate()
    deadline = time.monotonic() + 20
    for child in children.values():
        try:
            child.process.wait(max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            log.warning("up: %s did not stop in time; killing it", child.name)
            child.process.kill()
