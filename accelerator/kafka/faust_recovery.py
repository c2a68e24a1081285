"""A fix for a race in faust-streaming 0.15.3's recovery (upstream issue #596, still open).

After a restart with a non-empty changelog, `Recovery.on_recovery_completed` resumes the
source partitions, then seeks them to their committed offsets, then clears the agents'
queues. The fetcher, already running from the changelog replay, can hand records to the
agent inside that window; they are wiped or dropped, leaving a hole in the acked offsets
past which Faust never commits again. The projector then looks stalled ("Worker ready",
then nothing on some partitions) until its next restart. This replacement seeks and clears
first and resumes last. It refuses to install over any other version of the method.
https://github.com/faust-streaming/faust/issues/596
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
from typing import Any

import faust
from faust.tables.recovery import Recovery


def _source_digest(fn: Any) -> str:
    return hashlib.sha256(inspect.getsource(fn).encode()).hexdigest()


async def _on_recovery_completed(self: Recovery, generation_id: int = 0) -> None:
    """faust 0.15.3 Recovery.on_recovery_completed with seek/clear *before* resume."""
    consumer = self.app.consumer
    self.log.info("Restore complete!")
    await self.app.on_rebalance_complete.send()
    self._set_recovery_ended()
    callback_coros = [
        asyncio.ensure_future(
            table.on_recovery_completed(self.actives_for_table[table], self.standbys_for_table[table])
        )
        for table in self.tables.values()
    ]
    if callback_coros:
        await asyncio.wait(callback_coros)
    assignment = consumer.assignment()
    if self.app.consumer_generation_id != generation_id:
        self.log.warning(
            f"Recovery rebalancing again app id {self.app.consumer_generation_id} param {generation_id}"
        )
        return
    stream_tps = {tp for tp in assignment if not self._is_changelog_tp(tp)}
    if assignment:
        # Source partitions are still paused in Faust here, so nothing of theirs can
        # reach an agent while aiokafka is re-positioned and _read_offset/_committed_offset
        # are reset to the committed offsets.
        self.log.info("Seek stream partitions to committed offsets.")
        await self._wait(consumer.perform_seek(), timeout=self.app.conf.broker_request_timeout)
    self.completed.set()
    self.app.flow_control.resume()  # clears agent queues: holds nothing of stream_tps yet
    self.log.dev("Resume stream partitions")
    consumer.resume_partitions(stream_tps)  # only now may the Fetcher deliver them
    consumer.resume_flow()
    await self.app._fetcher.maybe_start()  # type: ignore[attr-defined]
    self.tables.on_actives_ready()
    if not self.app.assignor.assigned_standbys():
        self.tables.on_standbys_ready()
    self.app.on_rebalance_end()
    self.log.info("Worker ready")


# sha256 of inspect.getsource(Recovery.on_recovery_completed) in faust-streaming 0.15.3
# (same source as the v0.15.2 tag): the replacement above was derived from exactly this.
UPSTREAM_SHA256 = "6ef567acf072e46da3fccbccc6d662371f634f622c3d510972d5df81f70ae3ac"


def patch_recovery_resume_order(expected_sha256: str | None = UPSTREAM_SHA256) -> None:
    """Install the re-ordered on_recovery_completed; refuse if faust changed underneath."""
    current = Recovery.on_recovery_completed
    if current is _on_recovery_completed:
        return
    digest = _source_digest(current)
    if expected_sha256 is not None and digest != expected_sha256:
        raise RuntimeError(
            f"faust {faust.__version__}: Recovery.on_recovery_completed changed "
            f"(sha256 {digest}); re-check the resume-order patch before upgrading"
        )
    Recovery.on_recovery_completed = _on_recovery_completed  # type: ignore[method-assign]
