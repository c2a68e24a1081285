"""The watchdog's judgement (pure): a worker is stuck only with work waiting and no progress."""

from __future__ import annotations

from kafka import TopicPartition

from accelerator.kafka.health import Progress

TP = TopicPartition("accelerator.events.payments", 0)


def test_progress_is_never_stuck() -> None:
    watch = Progress(limit=30, since=0)
    assert not any(watch.see({TP: offset}, waiting=5, now=offset * 10.0) for offset in range(1, 20))


def test_nothing_to_do_is_never_stuck() -> None:
    watch = Progress(limit=30, since=0)
    assert not any(watch.see({TP: 7}, waiting=0, now=t) for t in (10.0, 100.0, 1000.0))


def test_work_waiting_and_no_progress_for_longer_than_the_limit_is_stuck() -> None:
    watch = Progress(limit=30, since=0)
    assert not watch.see({TP: 7}, waiting=3, now=5)
    assert not watch.see({TP: 7}, waiting=3, now=30)
    assert watch.see({TP: 7}, waiting=3, now=36)


def test_a_broker_away_is_no_proof_of_being_stuck() -> None:
    watch = Progress(limit=30, since=0)
    watch.see({TP: 7}, waiting=3, now=5)
    watch.blind(now=60)  # could not look for a minute
    assert not watch.see({TP: 7}, waiting=3, now=65)
    assert watch.see({TP: 7}, waiting=3, now=91)
