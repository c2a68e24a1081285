"""How the workers are doing, seen from outside as an operator sees them: each consumer
group's members, committed offsets and lag (against the last committed record: an open
transaction is not lag), and a watchdog that ends a worker which has lag and makes no progress.

The watchdog is the measured answer to consumers that stop fetching after a rebalance
(faust-streaming #629; kafka-python rebalances seen to hang after a broker restart): the
process exits, and its supervisor (`accelerator up`, systemd, Kubernetes) starts a fresh one.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass

from kafka import TopicPartition
from kafka.admin import KafkaAdminClient

from accelerator.kafka import connections
from accelerator.kafka.admin import admin
from accelerator.settings import Settings

log = logging.getLogger("accelerator.health")
STUCK_EXIT_CODE = 3


@dataclass(frozen=True)
class GroupHealth:
    group: str
    members: int
    state: str
    lag: dict[TopicPartition, int]

    @property
    def total_lag(self) -> int:
        return sum(self.lag.values())

    def lag_by_topic(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for tp, behind in self.lag.items():
            found[tp.topic] = found.get(tp.topic, 0) + behind
        return found


class Health:
    """One admin client and one reader, to ask about groups again and again."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.admin = admin(settings)
        self.reader = connections.consumer(settings)

    def committed(self, group: str) -> dict[TopicPartition, int]:
        return _offsets(self.admin, group)

    def group(self, group: str, topics: list[str]) -> GroupHealth:
        """Members, and per partition the offsets between the group and the end that hold
        records still to do (0 where only a transaction marker follows)."""
        partitions = connections.partitions(self.reader, topics, 0)
        ends = connections.ends(self.reader, partitions)  # read_committed: the last stable offset
        starts = connections.starts(self.reader, partitions)
        done = self.committed(group)
        at = {tp: done.get(tp, starts[tp]) for tp in partitions}
        waiting = self._waiting({tp: at[tp] for tp in partitions if ends[tp] > at[tp]}, ends)
        lag = {tp: ends[tp] - at[tp] if tp in waiting else 0 for tp in partitions}
        described = self.admin.describe_groups([group]).get(group, {})
        members = described.get("members") or []
        return GroupHealth(group, len(members), str(described.get("group_state", "?")), lag)

    def _waiting(self, at: dict[TopicPartition, int], ends: dict[TopicPartition, int]) -> set[TopicPartition]:
        """Which of these partitions have a committed record at or after the given offset
        (a transaction's commit marker takes an offset but is no record to process)."""
        if not at:
            return set()
        self.reader.assign(list(at))
        for tp, offset in at.items():
            self.reader.seek(tp, offset)
        found: set[TopicPartition] = set()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            found |= {tp for tp, records in self.reader.poll(timeout_ms=200).items() if records}
            if all(tp in found or self.reader.position(tp) >= ends[tp] for tp in at):
                break
        return found

    def close(self) -> None:
        self.admin.close()
        self.reader.close()


def _offsets(client: KafkaAdminClient, group: str) -> dict[TopicPartition, int]:
    offsets = client.list_group_offsets({group: None}).get(group, {})
    return {tp: meta.offset for tp, meta in offsets.items() if meta.offset >= 0}


def committed_offsets(
    settings: Settings, group: str, client: KafkaAdminClient | None = None
) -> dict[TopicPartition, int]:
    """The group's committed offsets (with an admin client of the caller's, or a new one)."""
    if client is not None:
        return _offsets(client, group)
    own = admin(settings)
    try:
        return _offsets(own, group)
    finally:
        own.close()


@dataclass
class Progress:
    """The watchdog's judgement: stuck when there was work and no progress for `limit` s.

    `see` is given what the group committed and how many records wait, every few seconds;
    `blind` when nothing could be seen (the broker away): that is no proof of being stuck."""

    limit: float
    since: float = 0.0
    last: dict[TopicPartition, int] | None = None

    def see(self, committed: dict[TopicPartition, int], waiting: int, now: float) -> bool:
        if committed != self.last or waiting == 0:
            self.last, self.since = committed, now
            return False
        return now - self.since > self.limit

    def blind(self, now: float) -> None:
        self.since = now


class Watchdog(threading.Thread):
    """Exit this process when its group has had lag and no progress for `limit` seconds."""

    def __init__(self, settings: Settings, group: str, topics: list[str], every: float = 5) -> None:
        super().__init__(name=f"watchdog-{group}", daemon=True)
        self.settings, self.group, self.topics, self.every = settings, group, topics, every
        self.progress = Progress(settings.liveness_seconds, time.monotonic())

    def run(self) -> None:
        health: Health | None = None
        while True:
            time.sleep(self.every)
            try:
                health = health or Health(self.settings)
                state = health.group(self.group, self.topics)
                committed = health.committed(self.group)
            except Exception as error:  # the broker is away: nothing can be judged
                log.info("watchdog %s: cannot look (%s)", self.group, error)
                self.progress.blind(time.monotonic())
                health = None
                continue
            if self.progress.see(committed, state.total_lag, time.monotonic()):
                self._exit(state)

    def _exit(self, state: GroupHealth) -> None:
        try:
            log.error(
                "%s: %s messages behind and no progress for %.0f s: exiting so that it is restarted "
                "(where every thread was, below)",
                self.group,
                state.total_lag,
                time.monotonic() - self.progress.since,
            )
            logging.shutdown()
            # The process's own stderr: Faust replaces sys.stderr with a logging proxy that has
            # no file number, and faulthandler needs one (it raised, and the projector stayed stuck).
            faulthandler.dump_traceback(
                file=sys.__stderr__ or 2, all_threads=True
            )  # for whoever finds out why
        finally:
            os._exit(STUCK_EXIT_CODE)  # whatever happened above, a stuck worker ends
