"""The exporter: a worker of the payments service that writes every SEPA file to the outbox.

Consumes the finance topic (`accelerator.finance.payments`, read_committed) like any finance
system, in its own consumer group. For each `PaymentsExported` — recorded by the payments
service, whose exports stream is the single writer of exports — it writes the pain.001 file
into `settings.finance_outbox` (`<file id>.xml`, atomically, after checking it against the
official XSD), then commits its offsets. The file is a pure function of the event, so a
redelivery after a crash writes the same bytes again: at least once, and harmless.

Why a worker of the payments service and not a consumer of the registry: the registry's
handlers write to the log or to topics, in the runtime's transaction; this one writes files
for the bank's upload, outside any transaction, and the embedded runtime has no use for it
(there `accelerator finance export` writes the file itself).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from accelerator.finance import write_pain001
from accelerator.kafka import connections
from accelerator.kafka.topics import Names
from accelerator.settings import Settings
from events import CloudEvent, parse
from events.exports import PaymentsExported

log = logging.getLogger(__name__)
NAME = "exporter"


class ExporterWorker:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.names = Names(settings.topic_prefix)
        self.consumer = connections.consumer(settings, self.names.group(NAME))
        connections.partitions(self.consumer, [self.names.finance], settings.kafka_wait_seconds)
        self.consumer.subscribe([self.names.finance])
        self.outbox = settings.finance_outbox

    def run(self, keep_going: Callable[[], bool] = lambda: True) -> None:
        log.info("exporter: writing the pain.001 files of %s into %s", self.names.finance, self.outbox)
        while keep_going():
            batch = self.consumer.poll(timeout_ms=200)
            for records in batch.values():
                for record in records:
                    self.handle(record.value)
            if batch:
                self.consumer.commit()  # only once every file of the batch is on disk

    def handle(self, raw: bytes) -> Path | None:
        """The file written for one message of the finance topic (None: not an export)."""
        try:
            ce = CloudEvent.from_json(raw)
        except ValueError as error:  # the projector dead-letters garbage; this worker only skips it
            log.warning("exporter: skipping an unreadable message: %s", error)
            return None
        if ce.type != PaymentsExported.event_type():
            return None
        export = parse(ce)
        assert isinstance(export, PaymentsExported)
        path = self.outbox / f"{export.file_id}.xml"
        write_pain001(export, path)
        log.info(
            "exporter: %s (%s transfers, EUR %s) -> %s", export.file_id, export.count, export.total, path
        )
        return path

    def close(self) -> None:
        self.consumer.close()
