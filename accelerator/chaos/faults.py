"""The chaos itself: a random worker SIGKILLed every few seconds (the projector too), and the
broker stopped and started again, at set moments, while the programme runs."""

from __future__ import annotations

import random
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from accelerator.kafka.cluster import Cluster, broker

BROKER_SECONDS = 360
"""The longest a broker restart may take (stop: up to 30 s; start: up to 240 s, each bounded by
deploy/kafka.sh), with room to spare."""


@dataclass
class Havoc:
    kills: Counter[str] = field(default_factory=Counter)
    broker_restarts: int = 0
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    """Why the chaos itself stopped early (the broker would not start again), if it did."""


class Chaos(threading.Thread):
    """Kills a worker every `every` seconds for `seconds`; restarts the broker at set moments in
    a thread of its own, so that the kills go on while the broker is away (a restart takes from
    half a minute to a minute and more on a loaded machine: the kills, not the machine, set how
    much chaos there is)."""

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
        self.pauses = [self.rng.uniform(2, 6) for _ in self.restart_at]
        """How long the broker stays away at each restart."""
        self.restarts: list[threading.Thread] = []
        self.havoc = Havoc()
        self.stopped = threading.Event()

    def run(self) -> None:
        started = time.monotonic()
        while not self.stopped.wait(self.rng.uniform(*self.every)):
            elapsed = time.monotonic() - started
            if elapsed > self.seconds:
                return
            if self.restart_at and elapsed >= self.restart_at[0] and not self._restarting():
                self.restart_at.pop(0)
                restart = threading.Thread(
                    target=self._restart_broker, args=(self.pauses.pop(0),), name="chaos-broker", daemon=True
                )
                self.restarts.append(restart)
                restart.start()
            else:
                self._kill_a_worker()

    def stop(self) -> None:
        """End the chaos and wait for it: a broker restart under way ends before anything else
        runs (a later test would meet the broker stopping, or starting)."""
        self.stopped.set()
        if self.ident is not None:  # started
            self.join(BROKER_SECONDS)
        for restart in self.restarts:
            restart.join(BROKER_SECONDS)

    def _restarting(self) -> bool:
        return any(restart.is_alive() for restart in self.restarts)

    def _kill_a_worker(self) -> None:
        label = self.rng.choice(sorted(self.cluster.supervisors))
        try:
            self.cluster.kill(label)
        except (OSError, TimeoutError) as error:  # it was being restarted just then
            self.havoc.notes.append(f"{label}: not killed ({error})")
            return
        self.havoc.kills[label] += 1
        self.say(f"chaos: SIGKILL {label}")

    def _restart_broker(self, pause: float) -> None:
        self.say("chaos: stopping the broker")
        try:
            try:
                broker("stop", self.cluster.settings, timeout=120)
                time.sleep(pause)
            finally:
                broker("start", self.cluster.settings, timeout=BROKER_SECONDS)  # never left stopped
        except (subprocess.SubprocessError, OSError) as error:
            self.havoc.error = f"chaos: the broker did not come back: {error}"
            self.say(self.havoc.error)
            return
        self.havoc.broker_restarts += 1
        self.say("chaos: the broker is back")
