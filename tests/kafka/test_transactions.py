"""A worker's transaction commits its consumed offsets only with everything it wrote.

kafka-python 3.0.12 fails a send that ran out of retries without making its transaction
abortable, and then commits the transaction: in a CI run, after a broker restart, a policy's
offsets were committed without the command it had sent (bench/NOTES.md). `connections.commit`
checks every send first; these fakes stand for kafka-python's producer and its futures."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from kafka.errors import KafkaError, NotEnoughReplicasError

from accelerator.kafka import connections


@dataclass
class Sent:
    error: KafkaError | None = None

    def get(self, timeout: float | None = None) -> str:  # as kafka-python's future's
        if self.error is not None:
            raise self.error
        return "record metadata"


@dataclass
class Producer:
    calls: list[str] = field(default_factory=list)

    def flush(self, timeout: float | None = None) -> None:  # as kafka-python's producer's
        self.calls.append("flush")

    def commit_transaction(self) -> None:
        self.calls.append("commit")


def test_a_transaction_one_of_whose_sends_failed_is_not_committed() -> None:
    producer = Producer()
    refused = NotEnoughReplicasError("Unable to verify the partition has been added to the transaction")
    with pytest.raises(KafkaError) as failure:
        connections.commit(producer, [Sent(), Sent(refused), Sent()])
    assert failure.value is refused
    assert producer.calls == ["flush"]


def test_a_transaction_whose_sends_were_all_taken_is_committed() -> None:
    producer = Producer()
    connections.commit(producer, [Sent(), Sent()])
    assert producer.calls == ["flush", "commit"]
    connections.commit(producer, [])  # offsets alone, as a policy's batch with nothing to say
    assert producer.calls == ["flush", "commit", "flush", "commit"]
