"""Reading stored envelopes fast, for replays and projections: the event and its time.

`read(raw)` gives what `parse(CloudEvent.from_json(raw))` gives, and the envelope's time,
without building the `CloudEvent`: orjson decodes the JSON, the tolerant reader
(`parse_data`) validates the event (with the envelope's actor, for events older than their
`recorded_by` field). A fold needs nothing else of the envelope; the other
attributes were checked when the event was written. Measured on the 2-core machine
(bench/NOTES.md): pydantic's own `validate_json` into a discriminated union of typed
envelopes was slower than this, as was `CloudEvent.from_json` alone.
"""

from __future__ import annotations

from datetime import datetime

import orjson

from events.base import Event
from events.registry import parse_data


def read(raw: str | bytes) -> tuple[Event, datetime]:
    """The event in a stored envelope, and when it happened. Raises `ValueError` (pydantic's
    `ValidationError` and orjson's `JSONDecodeError` are ones) for what nobody can read."""
    envelope = orjson.loads(raw)
    if not isinstance(envelope, dict):
        raise ValueError("envelope: must be a JSON object")
    try:
        type_, time, data = envelope["type"], envelope["time"], envelope["data"]
    except KeyError as missing:
        raise ValueError(f"envelope: {missing.args[0]} is missing") from None
    if not (isinstance(type_, str) and isinstance(time, str) and isinstance(data, dict)):
        raise ValueError("envelope: type and time must be strings, data an object")
    when = datetime.fromisoformat(time)
    if when.tzinfo is None:
        raise ValueError(f"time: must say its time zone (got {time!r})")
    actor = envelope.get("actor")
    return parse_data(type_, data, actor if isinstance(actor, str) else None), when
