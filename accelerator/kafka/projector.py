"""The projector (the registry's Projection) as a Faust worker: every event topic into
`startup_to_state`, then PostgreSQL.

Consumes: accelerator.events.* (read_committed). Keeps: one `Subject` per startup or challenge
in a changelog-backed table (the stream order and duplicates are handled there), and the
views in the PostgreSQL read model. Guarantees: at least once from Kafka, applied once per
(stream, version); the read model is rewritten from the table after every recovery, so a
crash between the table and PostgreSQL heals itself. Agents: concurrency 1 (faust #606);
recovery patched for faust #596 (accelerator/kafka/faust_recovery.py); a watchdog
(accelerator/kafka/health.py) ends the process if it ever stops making progress anyway.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiokafka
import faust
from sqlmodel import Session

from accelerator.kafka.admin import PROJECTOR_TABLE
from accelerator.kafka.auth import identity
from accelerator.kafka.client import read_model_engine
from accelerator.kafka.faust_recovery import patch_recovery_resume_order
from accelerator.kafka.topics import Names
from accelerator.settings import Settings
from events import CloudEvent
from services.deadletters import DeadLetter
from services.projector import read_model
from services.projector.ordering import Subject

log = logging.getLogger(__name__)


class ReadCommittedConsumer(aiokafka.AIOKafkaConsumer):
    """Faust reads uncommitted records unless it runs exactly_once itself (its open bugs
    #323/#517): the services write in transactions, so aborted events must stay unseen."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["isolation_level"] = "read_committed"
        super().__init__(*args, **kwargs)


def create_app(settings: Settings, name: str = "projector") -> faust.App:
    aiokafka.AIOKafkaConsumer = ReadCommittedConsumer  # this process only
    patch_recovery_resume_order()
    names = Names(settings.topic_prefix)
    app = faust.App(
        names.group(name),  # never change: a new id starts with empty tables
        broker=f"kafka://{settings.kafka_bootstrap_servers}",
        broker_credentials=identity(settings).faust(),  # its own principal: accelerator/kafka/access.py
        store="memory://",
        processing_guarantee="at_least_once",
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        consumer_auto_offset_reset="earliest",
        broker_commit_interval=0.2,
        broker_session_timeout=settings.session_timeout_ms / 1000,
        broker_heartbeat_interval=max(settings.session_timeout_ms / 5000, 0.5),
        web_enabled=False,
        table_cleanup_interval=3600,
    )
    events = app.topic(
        *names.all_events(), key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw"
    )
    dlq = app.topic(names.dlq, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw")
    # use_partitioner: the changelog follows the key, as the event topics do, so a batch (take)
    # never writes a key's changelog into another event's partition.
    subject_to_state = app.Table(
        PROJECTOR_TABLE,
        default=None,
        partitions=settings.partitions,
        key_type=bytes,
        use_partitioner=True,
    )
    engine = read_model_engine(settings)

    def write(subjects: list[Subject]) -> None:
        with Session(engine) as session:
            read_model.save_startups(session, (s.startup for s in subjects if s.startup))
            read_model.save_challenges(session, (s.challenge for s in subjects if s.challenge))
            session.commit()

    async def dead_letter(raw: bytes, error: Exception) -> None:
        letter = DeadLetter(
            reason=f"unreadable event: {error}", consumer=app.conf.id, value=raw.decode("utf-8", "replace")
        )
        await dlq.send(key=b"", value=letter.model_dump_json().encode())

    @app.agent(events, concurrency=1)
    async def project_events(stream: faust.StreamT[bytes]) -> None:
        # One PostgreSQL transaction per batch; the batch is acknowledged (and its offsets
        # committed) only after it, so `settle` seeing the offsets means the rows are there.
        async for batch in stream.take(200, within=0.05):
            changed: dict[bytes, Subject] = {}
            for raw in batch:
                try:
                    ce = CloudEvent.from_json(raw)
                except ValueError as error:
                    await dead_letter(raw, error)
                    continue
                key = ce.subject.encode()
                stored = changed.get(key) or subject_to_state.get(key)
                subject = (
                    stored
                    if isinstance(stored, Subject)
                    else (Subject.model_validate(stored) if stored else Subject(subject=ce.subject))
                )
                subject.receive(ce)
                # Written even when the event was a duplicate: after a crash the table may
                # hold a change that PostgreSQL never got, and the redelivery is the moment to heal.
                changed[key] = subject
            for key, subject in changed.items():
                subject_to_state[key] = subject.dump()  # write back, once per key and batch
            if changed:
                await asyncio.to_thread(write, list(changed.values()))

    async def resync() -> None:
        """After recovery the table is the truth: rewrite the read model from it."""
        subjects = [Subject.model_validate(v) for v in subject_to_state.values() if v]
        if not subjects:
            return
        await asyncio.to_thread(write, subjects)
        log.info("projector: read model rewritten from %s subjects", len(subjects))

    subject_to_state.on_recover(resync)
    return app
