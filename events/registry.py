"""The catalogue: every event type by its CloudEvents `type`, with upcasters for old versions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from events.applications import ApplicationSubmitted, ApplicationWithdrawn
from events.base import READING, Event
from events.envelope import CloudEvent, event_id, schema_uri
from events.milestones import (
    DeliverableSubmitted,
    MilestoneApproved,
    MilestoneOverdue,
    MilestonePlanned,
    MilestoneSentBack,
)
from events.payments import (
    PaymentApproved,
    PaymentDisbursed,
    PaymentFailed,
    PaymentInstructed,
    PaymentRejected,
    PaymentRequested,
)
from events.pilots import (
    PilotApproved,
    PilotCancelled,
    PilotCompleted,
    PilotProposed,
    PilotStarted,
)
from events.programme import (
    AcceleratorCompleted,
    AcceleratorStarted,
    CallClosed,
    CallOpened,
    ChallengePublished,
    CohortStarted,
    ExpertSessionLogged,
    HardwareLent,
    HardwareReturned,
    ParticipationTerminated,
)
from events.selection import (
    ApplicationDecided,
    ApplicationScored,
    ConflictOfInterestDeclared,
    OfferAccepted,
    OfferDeclined,
    ReviewerAssigned,
)

CATALOGUE: tuple[type[Event], ...] = (
    ChallengePublished,
    CallOpened,
    CallClosed,
    CohortStarted,
    AcceleratorStarted,
    AcceleratorCompleted,
    ParticipationTerminated,
    ExpertSessionLogged,
    HardwareLent,
    HardwareReturned,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    ReviewerAssigned,
    ConflictOfInterestDeclared,
    ApplicationScored,
    ApplicationDecided,
    OfferAccepted,
    OfferDeclined,
    MilestonePlanned,
    DeliverableSubmitted,
    MilestoneApproved,
    MilestoneSentBack,
    MilestoneOverdue,
    PaymentRequested,
    PaymentApproved,
    PaymentRejected,
    PaymentInstructed,
    PaymentDisbursed,
    PaymentFailed,
    PilotProposed,
    PilotApproved,
    PilotStarted,
    PilotCompleted,
    PilotCancelled,
)

EVENT_TYPES: dict[str, type[Event]] = {cls.event_type(): cls for cls in CATALOGUE}
FIELDS: dict[type[Event], frozenset[str]] = {cls: frozenset(cls.model_fields) for cls in CATALOGUE}
"""Each type's field names, looked up once (pydantic's `model_fields` is a property: a replay
asked it a million times)."""

Upcaster = Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]
UPCASTERS: dict[str, Upcaster] = {}
"""Old type -> function giving (newer type, newer data). Chained until a known type is reached."""


class UnknownEventType(ValueError):
    pass


def envelope(
    event: Event,
    *,
    source: str,
    time: datetime,
    stream: str,
    version: int,
    causation: str | None = None,
    actor: str | None = None,
) -> CloudEvent:
    return CloudEvent(
        id=event_id(stream, version),
        source=source,
        type=event.event_type(),
        subject=event.subject,
        time=time,
        city=event.city,
        stream=stream,
        streamversion=version,
        causationid=causation,
        actor=actor,
        dataschema=schema_uri(type(event)),
        data=event.model_dump(mode="json"),
    )


def upcast(type_: str, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    seen = set()
    while type_ not in EVENT_TYPES and type_ in UPCASTERS and type_ not in seen:
        seen.add(type_)
        type_, data = UPCASTERS[type_](data)
    return type_, data


def parse(ce: CloudEvent) -> Event:
    """Tolerant reader: upcasts old versions and ignores fields this version does not know."""
    return parse_data(ce.type, ce.data)


def parse_data(type_: str, data: dict[str, Any]) -> Event:
    """The tolerant reader of an envelope's `type` and `data` (see `parse`)."""
    known_type, data = upcast(type_, data)
    cls = EVENT_TYPES.get(known_type)
    if cls is None:
        raise UnknownEventType(f"type: unknown event type {type_!r}")
    fields = FIELDS[cls]
    if not data.keys() <= fields:  # fields of a later version: this one ignores them
        data = {k: v for k, v in data.items() if k in fields}
    return cls.__pydantic_validator__.validate_python(data, context=READING)
