"""One service as its own process: commands in, events out, one Kafka transaction per batch.

Consumes `accelerator.commands.<service>` (consumer group: one owner per partition, so one
writer per aggregate) and every event topic (its replica of the log). For each batch of
commands polled, in order, it decides each against the replica and the batch's earlier
commands; then it emits every command's events to their family topics (payments also to the
finance topic), each reply to its sender, malformed messages to the DLQ — and the batch's
offsets, all in one transaction: a crash anywhere leaves all or nothing, and a failed
transaction ends the worker (its replica, which held the batch's events, with it). Under
load a batch holds many commands, so the cost of a transaction is shared. A redelivered
command is recognised by its id (the events' causation) and answered as the first time.
Policies are consumers of their own (services/consumers.py); this worker only decides.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from kafka.partitioner.default import murmur2
from kafka.structs import OffsetAndMetadata, TopicPartition
from pydantic import ValidationError

from accelerator.kafka import connections
from accelerator.kafka.messages import CommandMessage, Reply, dead_letter
from accelerator.kafka.replica import Outbox, Replica
from accelerator.kafka.topics import Names
from accelerator.settings import Settings
from events import CloudEvent
from services.kernel import Command, Decider, Metadata, Rejected, VirtualClock, execute, today
from services.routing import SERVICES, decider_of
from services.scheduler.commands import CheckDeadlines
from services.scheduler.domain import due_commands, next_due_day

log = logging.getLogger(__name__)
CLOSE_MS = 3000
"""A worker that failed closes quickly: a broker that is away gets no longer than this."""

Message = tuple[str, str, str, int | None]  # topic, key, JSON value, partition
ATTEMPTS = 3


class ServiceWorker:
    def __init__(self, service: str, settings: Settings, instance: str = "1") -> None:
        self.service, self.settings = service, settings
        self.names = Names(settings.topic_prefix)
        self.group = self.names.group(service)
        self.replica = Replica()
        self.log_reader = connections.consumer(settings)
        self.event_partitions = connections.assign_all(self.log_reader, self.names.all_events())
        self.commands = connections.consumer(settings, self.group)
        self.commands.subscribe([self.names.commands(service)])
        self.producer = connections.producer(settings, f"{self.group}-{instance}")
        self.producer.init_transactions()

    def run(self, keep_going: Callable[[], bool] = lambda: True) -> None:
        log.info("%s: consuming %s", self.service, self.names.commands(self.service))
        while keep_going():
            batch = self.commands.poll(timeout_ms=200)
            if batch:
                self._catch_up()
                self._process(batch)

    def _catch_up(self) -> None:
        for record in connections.catch_up(self.log_reader, self.event_partitions):
            try:
                self.replica.add(CloudEvent.from_json(record.value))
            except ValueError as error:  # someone else's garbage: the projector reports it
                log.warning(
                    "%s: skipping unreadable event at %s/%s: %s",
                    self.service,
                    record.topic,
                    record.partition,
                    error,
                )

    def _process(self, batch: dict[TopicPartition, list[Any]]) -> None:
        """Decide every command of the batch in order, then write it all in one transaction.

        Each command's events join the replica at once, so the next command of the batch sees
        them; if the transaction fails, the worker ends and starts over with a new replica."""
        messages: list[Message] = []
        for records in batch.values():
            for record in records:
                written, outbox = self._decide(record)
                messages += written
                if outbox is not None:
                    outbox.commit()
        offsets = {tp: OffsetAndMetadata(records[-1].offset + 1, "", -1) for tp, records in batch.items()}
        self._commit(offsets, messages)

    def _decide(self, record: Any) -> tuple[list[Message], Outbox | None]:
        for attempt in range(1, ATTEMPTS):
            try:
                return self._handle(record)
            except Exception:  # a bug, or a store conflict: retry, then dead-letter
                log.exception("%s: attempt %s failed; retrying", self.service, attempt)
                time.sleep(0.2 * 2**attempt)
        try:
            return self._handle(record)
        except Exception as error:
            return [self._dead_letter(record, f"failed {ATTEMPTS} times: {error!r}")], None

    def _commit(self, offsets: dict[TopicPartition, OffsetAndMetadata], messages: list[Message]) -> None:
        self.producer.begin_transaction()
        try:
            sent = [
                self.producer.send(topic, key=key.encode(), value=value.encode(), partition=partition)
                for topic, key, value, partition in messages
            ]
            self.producer.send_offsets_to_transaction(offsets, self.commands.group_metadata())
            connections.commit(self.producer, sent)
        except Exception:
            self.producer.abort_transaction()
            raise

    def _handle(self, record: Any) -> tuple[list[Message], Outbox | None]:
        """What to write for one command record, and the outbox whose events those are."""
        try:
            message = CommandMessage.model_validate_json(record.value)
            command = message.command()
        except (ValidationError, ValueError) as error:
            return [self._dead_letter(record, f"malformed command: {error}")], None
        if message.command_id in self.replica.by_cause:  # a redelivery: answer as the first time
            earlier = self.replica.by_cause[message.command_id]
            reply = Reply(command_id=message.command_id, ok=True, events=earlier, repeated=True)
            return self._reply(message, reply), None
        clock = VirtualClock(message.issued_at)
        outbox = Outbox(self.replica, clock, f"accelerator/{self.service}")
        meta = Metadata(message.actor, message.command_id)
        try:
            quiet_until = self._execute(command, outbox, clock, meta)
        except Rejected as refusal:
            reply = Reply(command_id=message.command_id, ok=False, error=str(refusal), field=refusal.field)
            return self._reply(message, reply), None
        return self._emit(message, outbox.pending, quiet_until), outbox

    def _execute(self, command: Command, outbox: Outbox, clock: VirtualClock, meta: Metadata) -> date | None:
        """Run the command; for a deadline check, also say the first day anything on the
        partition is due after it (date.max: nothing is), as long as the log stays as it is."""
        if not isinstance(command, CheckDeadlines):
            execute(decider_of(command), command, outbox, clock, meta)
            return None

        folded: dict[str, tuple[int, Any]] = {}

        def read(decider: Decider[Any], aggregate_id: str) -> Any:
            """Folded once for what is due and again for the next day only if a due command
            changed it (a stream only grows: its length is its version)."""
            stream = decider.stream(aggregate_id)
            history = outbox.load(stream)
            known = folded.get(stream)
            if known is None or known[0] != len(history):
                known = folded[stream] = (len(history), decider.fold(history))
            return known[1]

        def owned(decider: Decider[Any]) -> list[str]:
            return self._owned(decider, command.partition)

        for due in due_commands(read, owned, today(clock)):
            execute(decider_of(due), due, outbox, clock, meta)
        return next_due_day(read, owned, today(clock)) or date.max

    def _owned(self, decider: Decider[Any], partition: int) -> list[str]:
        """This service's aggregates of this kind whose commands land on this partition."""
        if decider not in SERVICES[self.service]:
            return []
        ids = [
            stream.removeprefix(f"{decider.prefix}-") for stream in self.replica.streams(f"{decider.prefix}-")
        ]
        return [aggregate for aggregate in ids if self._partition(aggregate) == partition]

    def _partition(self, key: str) -> int:
        topic = self.names.commands(self.service)
        partitions = sorted(self.commands.partitions_for_topic(topic) or {0})
        return partitions[(murmur2(key.encode()) & 0x7FFFFFFF) % len(partitions)]  # as the producer does

    def _emit(
        self, message: CommandMessage, events: list[CloudEvent], quiet_until: date | None = None
    ) -> list[Message]:
        out: list[Message] = []
        for ce in events:
            out.append((self.names.events(ce.family), ce.subject, ce.to_json(), None))
            if ce.family == "payments":
                out.append((self.names.finance, ce.subject, ce.to_json(), None))
        reply = Reply(command_id=message.command_id, ok=True, events=events, quiet_until=quiet_until)
        return out + self._reply(message, reply)

    def _reply(self, message: CommandMessage, reply: Reply) -> list[Message]:
        if not message.reply_to:
            return []
        return [(message.reply_to, message.command_id, reply.model_dump_json(), None)]

    def _dead_letter(self, record: Any, reason: str) -> Message:
        log.warning(
            "%s: dead letter %s/%s@%s: %s",
            self.service,
            record.topic,
            record.partition,
            record.offset,
            reason,
        )
        letter = dead_letter(record, reason, self.group)
        return (self.names.dlq, letter.key or "", letter.model_dump_json(), None)

    def close(self) -> None:
        self.commands.close(autocommit=False, timeout_ms=CLOSE_MS)
        self.log_reader.close(autocommit=False, timeout_ms=CLOSE_MS)
        self.producer.close(timeout=CLOSE_MS / 1000)
