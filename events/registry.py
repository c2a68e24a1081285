"""The catalogue: every event type by its CloudEvents `type`, with upcasters for old versions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from events import legacy
from events.applications import ApplicantKind, ApplicationSubmitted, ApplicationWithdrawn, RegistrationScheme
from events.base import READING, Event
from events.envelope import CloudEvent, event_id, schema_uri
from events.exports import PaymentsExported
from events.grants import BeneficiaryAccountChanged, GrantAgreed
from events.ideas import IdeaInvited, IdeaShortlisted, IdeaSubmitted
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
    FollowUpStopped,
    PilotApproved,
    PilotCancelled,
    PilotCompleted,
    PilotProposed,
    PilotStarted,
    ProcurementAwarded,
    RollOutAgreed,
)
from events.programme import (
    AcceleratorCompleted,
    AcceleratorStarted,
    AnswerPublished,
    CallClosed,
    CallOpened,
    ChallengeAmended,
    ChallengePublished,
    CohortStarted,
    ExpertSessionLogged,
    HardwareLent,
    HardwareReturned,
    ParticipationTerminated,
    QuestionAsked,
)
from events.selection import (
    ApplicationDecided,
    ApplicationScored,
    ConflictOfInterestDeclared,
    OfferAccepted,
    OfferDeclined,
    ReviewerAssigned,
)
from events.subscriptions import (
    SubscriptionEnded,
    SubscriptionPaused,
    SubscriptionRegistered,
    SubscriptionReplayRequested,
    SubscriptionResumed,
    SubscriptionSecretRotated,
)

CATALOGUE: tuple[type[Event], ...] = (
    ChallengePublished,
    ChallengeAmended,
    QuestionAsked,
    AnswerPublished,
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
    IdeaSubmitted,
    IdeaShortlisted,
    IdeaInvited,
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
    GrantAgreed,
    BeneficiaryAccountChanged,
    PaymentsExported,
    PilotProposed,
    PilotApproved,
    PilotStarted,
    PilotCompleted,
    PilotCancelled,
    ProcurementAwarded,
    RollOutAgreed,
    FollowUpStopped,
    SubscriptionRegistered,
    SubscriptionSecretRotated,
    SubscriptionPaused,
    SubscriptionResumed,
    SubscriptionReplayRequested,
    SubscriptionEnded,
)

SUPERSEDED: tuple[type[Event], ...] = legacy.SUPERSEDED
"""Old versions: never written any more, read through UPCASTERS; their schemas stay published."""

EVENT_TYPES: dict[str, type[Event]] = {cls.event_type(): cls for cls in CATALOGUE}
FIELDS: dict[type[Event], frozenset[str]] = {cls: frozenset(cls.model_fields) for cls in CATALOGUE}
"""Each type's field names, looked up once (pydantic's `model_fields` is a property: a replay
asked it a million times)."""

Upcaster = Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]


def _application_v1(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """v1 knew only Belgian companies: the enterprise number becomes a registration."""
    new = {k: v for k, v in data.items() if k not in ("company_name", "enterprise_number")}
    new |= {
        "kind": ApplicantKind.COMPANY.value,
        "applicant_name": data.get("company_name"),
        "country": "BE",
        "registration": {
            "scheme": RegistrationScheme.BE_ENTERPRISE.value,
            "number": data.get("enterprise_number"),
        },
    }
    return ApplicationSubmitted.event_type(), new


def _challenge_v1(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """v1 calls took any Belgian enterprise number and were judged on the default criteria."""
    eligibility = {
        "kinds": [ApplicantKind.COMPANY, ApplicantKind.SELF_EMPLOYED, ApplicantKind.KNOWLEDGE_INSTITUTION],
        "countries": ["BE"],
    }
    return ChallengePublished.event_type(), {**data, "eligibility": eligibility}


UPCASTERS: dict[str, Upcaster] = {
    legacy.ApplicationSubmitted.event_type(): _application_v1,
    legacy.ChallengePublished.event_type(): _challenge_v1,
}
"""Old type -> function giving (newer type, newer data). Chained until a known type is reached."""


def older_types(cls: type[Event]) -> frozenset[str]:
    """The superseded types that are read as `cls` (a consumer of `cls` reads those too)."""
    return frozenset(old.event_type() for old in SUPERSEDED if old.__name__ == cls.__name__)


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
    return parse_data(ce.type, ce.data, ce.actor)


def parse_data(type_: str, data: dict[str, Any], actor: str | None = None) -> Event:
    """The tolerant reader of an envelope's `type`, `data` and `actor` (see `parse`)."""
    known_type, data = upcast(type_, data)
    cls = EVENT_TYPES.get(known_type)
    if cls is None:
        raise UnknownEventType(f"type: unknown event type {type_!r}")
    fields = FIELDS[cls]
    if not data.keys() <= fields:  # fields of a later version: this one ignores them
        data = {k: v for k, v in data.items() if k in fields}
    if cls.recorded_by and data.get(cls.recorded_by) is None and actor:
        data = {**data, cls.recorded_by: actor}  # an event older than the field: its envelope knew who
    return cls.__pydantic_validator__.validate_python(data, context=READING)
