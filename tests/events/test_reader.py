"""The fast reader of stored envelopes reads exactly what the tolerant reader reads."""

from __future__ import annotations

import orjson
import pytest

from events import parse
from events.reader import read
from tests.conftest import DemoRun


def test_every_event_of_the_demo_reads_as_the_tolerant_reader_reads_it(embedded_demo: DemoRun) -> None:
    history = embedded_demo.runtime.history()
    assert len({ce.type for ce in history}) >= 25, "the demo should reach most event types"
    for ce in history:
        event, time = read(ce.to_json())
        assert (event, time) == (parse(ce), ce.time)
        assert type(event) is type(parse(ce))


def test_a_field_of_a_later_version_is_ignored(embedded_demo: DemoRun) -> None:
    ce = embedded_demo.runtime.history()[0]
    raw = orjson.loads(ce.to_json())
    raw["data"]["added_in_version_2"] = "Brugge"
    assert read(orjson.dumps(raw))[0] == parse(ce)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"type": "accelerator.programme.unheard_of.v1"}, "unknown event type"),
        ({"time": "2027-01-04T09:00:00"}, "time zone"),
        ({"time": None}, "must be strings"),
        ({"data": {"challenge_id": "Not A Slug!"}}, "challenge_id"),
    ],
    ids=["unknown type", "naive time", "no time", "invalid data"],
)
def test_what_nobody_can_read_is_a_value_error(
    embedded_demo: DemoRun, change: dict[str, object], message: str
) -> None:
    raw = orjson.loads(embedded_demo.runtime.history()[0].to_json()) | change
    with pytest.raises(ValueError, match=message):
        read(orjson.dumps(raw))


def test_an_envelope_that_is_not_an_object_is_a_value_error() -> None:
    for raw in (b"[1, 2]", b"not json", b'{"type": "accelerator.programme.call_opened.v1"}'):
        with pytest.raises(ValueError):
            read(raw)
