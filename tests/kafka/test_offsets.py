"""Asking where partitions end, while a broker comes back (no broker needed: the client's
answer is given by a function, as kafka-python 3.0.12 gives it)."""

from __future__ import annotations

import pytest
from kafka import TopicPartition

from accelerator.kafka.connections import Unavailable, _offsets

PARTITIONS = [TopicPartition("accelerator.events.pilots", 0), TopicPartition("accelerator.events.pilots", 1)]


def test_a_partition_left_out_while_its_leader_is_unknown_is_asked_again() -> None:
    answers: list[str] = []

    def ask(partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        answers.append("asked")
        if len(answers) < 3:  # kafka-python's KeyError for a partition it did not send
            raise KeyError(partitions[0])
        return {tp: 7 for tp in partitions}

    assert _offsets(ask, PARTITIONS, 10, "end") == {tp: 7 for tp in PARTITIONS}
    assert len(answers) == 3


def test_a_leader_that_never_comes_back_is_one_line_in_time() -> None:
    def ask(partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        raise KeyError(partitions[1])

    with pytest.raises(
        Unavailable, match="^kafka: the broker did not say where the topics end; is it up\\?$"
    ):
        _offsets(ask, PARTITIONS, 0.5, "end")


def test_a_broker_that_does_not_answer_in_time_is_one_line_at_once() -> None:
    from kafka.errors import KafkaTimeoutError

    asked: list[str] = []

    def ask(partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        asked.append("asked")
        raise KafkaTimeoutError("Failed to get offsets by timestamps in 30000 ms")

    with pytest.raises(
        Unavailable, match="^kafka: the broker did not say where the topics start; is it up\\?$"
    ):
        _offsets(ask, PARTITIONS, 30, "start")
    assert asked == ["asked"]  # not asked again for 30 s: its own wait was the broker's time
