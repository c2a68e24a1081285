"""When the Kafka runtime may skip a deadline check: only between the day of the last check and
the day it named, and only while the event topics end where they did then (pure)."""

from __future__ import annotations

from datetime import date

from kafka import TopicPartition

from accelerator.kafka.client import Quiet
from accelerator.kafka.messages import Reply

ENDS = {
    TopicPartition("accelerator.events.programme", 0): 41,
    TopicPartition("accelerator.events.milestones", 0): 7,
}


def check(quiet_until: date | None) -> Reply:
    return Reply(command_id=f"check-{quiet_until}", ok=True, quiet_until=quiet_until)


def test_the_earliest_day_any_partition_names_holds_until_an_event_is_written() -> None:
    quiet = Quiet.after(
        date(2027, 1, 4), ENDS, [check(date(2027, 2, 13)), check(date(2027, 1, 11)), check(date.max)]
    )
    assert quiet is not None
    assert quiet.holds(date(2027, 1, 4), ENDS)
    assert quiet.holds(date(2027, 1, 10), dict(ENDS))
    assert not quiet.holds(date(2027, 1, 11), ENDS), "the day named is checked"
    assert not quiet.holds(date(2027, 1, 3), ENDS), "a clock set back is checked"
    written = {**ENDS, TopicPartition("accelerator.events.milestones", 0): 8}
    assert not quiet.holds(date(2027, 1, 5), written), "an event written since is checked"
    assert not quiet.holds(date(2027, 1, 5), {**ENDS, TopicPartition("accelerator.events.pilots", 0): 0})


def test_no_skipping_when_a_partition_did_not_say() -> None:
    assert Quiet.after(date(2027, 1, 4), ENDS, [check(date(2027, 1, 11)), check(None)]) is None
    assert Quiet.after(date(2027, 1, 4), ENDS, []) is None
