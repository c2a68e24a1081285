"""The Kafka runtime's history (what `rebuild`, `show` and the finance ledger fold) keeps each
stream's events in version order, even when a back-dated command dated a later version
first; across streams it goes by time (pure)."""

from __future__ import annotations

from datetime import date

from accelerator.kafka.client import in_stream_order
from events import CloudEvent, Event, envelope
from tests import builders as b
from tests.fakes import at

CHALLENGE = f"challenge-{b.CHALLENGE}"


def on(day: date, stream: str, version: int, event: Event) -> CloudEvent:
    return envelope(event, source="accelerator/intake", time=at(day), stream=stream, version=version)


def test_a_call_opened_with_an_earlier_date_than_its_publication_still_folds_after_it() -> None:
    published = on(date(2027, 3, 1), CHALLENGE, 1, b.published())
    opened = on(date(2027, 1, 11), CHALLENGE, 2, b.opened())  # a tick with the clock set back
    applied = on(date(2027, 2, 1), f"application-{b.PARKLY}", 1, b.applied())
    assert in_stream_order([opened, applied, published]) == [applied, published, opened]


def test_streams_dated_in_order_go_by_time() -> None:
    published = on(date(2027, 1, 4), CHALLENGE, 1, b.published())
    opened = on(date(2027, 1, 11), CHALLENGE, 2, b.opened())
    applied = on(date(2027, 1, 20), f"application-{b.PARKLY}", 1, b.applied())
    events = [applied, opened, published]
    assert in_stream_order(events) == sorted(events, key=lambda ce: ce.time) == [published, opened, applied]
