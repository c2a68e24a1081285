"""The chaos itself: a random worker SIGKILLed every few seconds (the projector too), and the
broker stopped and started again, at set moments, while the programme runs."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from accelerator.kafka.cluster import Cluster, broker


@dataclass
class Havoc:
    kills: Counter[str] = field(default_factory=Counter)
    broker_restarts: int = 0
    notes: list[str] = field(default_factory=list)


class Chaos(threading.Thread):
    def __init__(
        self,
        cluster: Cluster,
        seconds: float,
        broker_restarts: int = 2,
        every: tuple[float, float] = (3, 8),
        say: Callable[[str], None] = print,
        seed: int = 7,
    ) -> None:
        super().__init__(name="chaos", daemon=True)
        self.cluster, self.seconds, self.every, self.say = cluster, seconds, every, say
        self.rng = random.Random(seed)
        self.restart_at = [seconds * (n + 1) / (broker_restarts + 1) for n in range(broker_restarts)]
        self.havoc = Havoc()
        self.stopped = threading.Event()

    def run(self) -> None:
        started = time.monotonic()
        while not self.stopped.wait(self.rng.uniform(*self.every)):
            elapsed = time.monotonic() - started
            if elapsed > self.seconds:
                return
            if self.restart_at and elapsed >= self.restart_at[0]:
                self.restart_at.pop(0)
                self._restart_broker()
            else:
                self._kill_a_worker()

    def stop(self) -> None:
        self.stopped.set()
        self.join(300)

    def _kill_a_worker(self) -> None:
        label = self.rng.choice(sorted(self.cluster.supervisors))
        try:
            self.cluster.kill(label)
        except (OSError, TimeoutError) as error:  # it was being restarted just then
            self.havoc.notes.append(f"{label}: not killed ({error})")
            return
        self.havoc.kills[label] += 1
        self.say(f"chaos: SIGKILL {label}")

    def _restart_broker(self) -> None:
        self.say("chaos: stopping the broker")
        broker("stop", self.cluster.settings, timeout=120)
        time.sleep(self.rng.uniform(2, 6))
        broker("start", self.cluster.settings)
        self.havoc.broker_restarts += 1
        self.say("chaos: the broker is back")
