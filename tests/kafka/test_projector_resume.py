"""A projector that stops between its PostgreSQL transaction and the group's offsets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session

from accelerator.kafka.projector import ProjectorWorker, positions
from accelerator.kafka.workers import WORKERS
from services.consumers import CONSUMERS
from services.intake import commands as intake
from services.kernel import VirtualClock
from tests import builders as b
from tests.cluster import Cluster
from tests.fakes import at

pytestmark = pytest.mark.kafka


def test_a_projector_stopped_before_its_group_offsets_moves_the_group_on_when_it_resumes(
    tmp_path: Path,
) -> None:
    with Cluster(tmp_path).start(*(name for name in WORKERS if name != "projector")) as cluster:
        clock = VirtualClock(at(date(2027, 1, 4)))
        runtime = cluster.runtime(clock)
        challenge = "brugge-resume-2027"
        runtime.handle(intake.PublishChallenge(**b.published().model_dump() | {"challenge_id": challenge}))
        last = runtime._last_events()  # the offset of each partition's last event
        # Every event projected into PostgreSQL by a projector that then stops before it
        # commits the group's offsets, as one killed between the two would.
        (entry,) = [c for c in CONSUMERS if c.name == "projector"]
        projector = ProjectorWorker(entry, cluster.settings.model_copy(update={"kafka_role": "projector"}))
        stored: dict[object, int] = {}
        for _ in range(300):
            batch = projector.consumer.poll(timeout_ms=200)
            if batch:
                projector.project(batch)
            with Session(projector.engine) as session:
                stored = dict(positions(session, last))
            if all(stored.get(tp, 0) > offset for tp, offset in last.items()):
                break
        projector.close()
        assert all(stored.get(tp, 0) > offset for tp, offset in last.items()), "not all projected"
        cluster.start("projector")
        runtime.settle(timeout=45)  # the group's offsets reach PostgreSQL's: nothing is left to read
        assert cluster.restarts("projector") == 0  # and no watchdog had to end it
