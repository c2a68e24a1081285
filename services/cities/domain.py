"""What a partner city receives: its own events, without personal or banking data.

An event belongs to the city of its challenge (the envelope's `city`); the fields its type
marks private (contact details, IBANs) are removed, and `dataschema` points at the redacted
schema, so a city validating by `dataschema` never sees a failure.
"""

from __future__ import annotations

from events import EVENT_TYPES, CloudEvent
from events.schemas import redacted_schema_uri

UNKNOWN_PRIVATE = frozenset(
    {
        "contact",
        "iban",
        "bic",
        "account_holder",
        "members",
        "asked_by",
        "lines",
        "debtor_name",
        "debtor_iban",
        "debtor_bic",
    }
)
"""An event type this version does not know still never leaks the usual private fields."""


def redact(ce: CloudEvent) -> CloudEvent:
    cls = EVENT_TYPES.get(ce.type)
    private = cls.private if cls else UNKNOWN_PRIVATE
    data = {k: v for k, v in ce.data.items() if k not in private}
    schema = redacted_schema_uri(cls) if cls else ce.dataschema
    return ce.model_copy(update={"data": data, "dataschema": schema})


def channel(city: str) -> str:
    return f"city:{city}"


def for_cities(ce: CloudEvent) -> list[tuple[str, CloudEvent]]:
    """The one city channel an event goes to, redacted (none for events of no city)."""
    return [(channel(ce.city), redact(ce))] if ce.city else []
