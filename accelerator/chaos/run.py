"""`accelerator chaos --minutes 3`: a fresh namespace on the broker, every worker supervised,
the programme driven while the chaos strikes; then healing, the verdict and the counts."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from datetime import time as daytime
from pathlib import Path

from accelerator.chaos.driver import Driver
from accelerator.chaos.faults import Chaos
from accelerator.chaos.verdict import Verdict, judge
from accelerator.kafka.auth import operator
from accelerator.kafka.cluster import Cluster
from accelerator.kafka.health import Health
from accelerator.kafka.workers import WORKERS, watched_topics
from accelerator.settings import Settings
from services.kernel import PROGRAMME_TZ, VirtualClock

HEAL_SECONDS = 240


def run(minutes: float, logs: Path, say: Callable[[str], None] = print, broker_restarts: int = 2) -> Verdict:
    cluster = Cluster(logs, Settings()).start()
    clock = VirtualClock(datetime.combine(datetime(2027, 1, 4).date(), daytime(10), PROGRAMME_TZ))
    seconds = minutes * 60
    chaos = Chaos(cluster, seconds, broker_restarts, say=say)
    try:
        runtime = cluster.runtime(clock)
        chaos.start()
        sent = Driver(runtime, clock, time.monotonic() + seconds).run()
        chaos.stop()
        say("chaos over: waiting for the supervisors to heal every worker")
        _healed(cluster)
        runtime.settle(timeout=HEAL_SECONDS)
        verdict = judge(runtime)
    finally:
        chaos.stop()
        cluster.stop()
    if chaos.havoc.error:
        verdict.failures.append(chaos.havoc.error)
    verdict.counts |= {
        "commands": len(sent.answered),
        "refused": sum(not accepted for accepted in sent.answered.values()),
        "sent again after a fault": sent.resent,
        "kills": sum(chaos.havoc.kills.values()),
        "broker restarts": chaos.havoc.broker_restarts,
        "restarts by supervisors": sum(cluster.restarts(label) for label in cluster.workers),
    }
    return verdict


def _healed(cluster: Cluster) -> None:
    """Until every worker with a consumer group has a member again (or the time is up)."""
    deadline = time.monotonic() + HEAL_SECONDS
    health = Health(operator(cluster.settings))  # the exporter reads the finance topic
    try:
        while time.monotonic() < deadline:
            groups = [
                health.group(cluster.names.group(name), topics)
                for name in WORKERS
                if (topics := watched_topics(name, cluster.settings))
            ]
            if all(group.members > 0 for group in groups):
                for label in cluster.supervisors:
                    cluster.worker_pid(label, timeout=max(deadline - time.monotonic(), 1))
                return
            time.sleep(1)
    finally:
        health.close()
