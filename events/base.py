"""The base of every event: an immutable pydantic model named in the past tense."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic.networks import validate_email

FAMILIES = ("programme", "applications", "selection", "milestones", "payments", "pilots", "subscriptions")

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$", min_length=2, max_length=63)]
"""An identifier a person can type: lowercase letters, digits and dashes."""

Euros = Annotated[
    Decimal,
    Field(ge=0, max_digits=9, decimal_places=2),
    WithJsonSchema(
        {"type": "string", "pattern": r"^[0-9]{1,7}(\.[0-9]{1,2})?$", "description": "euros, e.g. 2850.00"}
    ),
]
"""An amount of euros with cents, never negative; on the wire a string, so no cent is lost."""

Score = Annotated[
    Decimal,
    Field(ge=0, le=100, max_digits=5, decimal_places=2),
    WithJsonSchema({"type": "string", "pattern": r"^[0-9]{1,3}(\.[0-9]{1,2})?$"}),
]
"""A weighted score, on the wire a decimal string."""

READING = {"reading": True}
"""Validation context of the tolerant reader: what was stored is read as it was stored."""

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters (tab and newline aside): in a name they could clear a terminal or retitle it."""


def printable(value: str, info: ValidationInfo) -> str:
    """Writers refuse control characters; the reader of old events takes them (and output escapes)."""
    if info.context and info.context.get("reading"):
        return value
    if found := CONTROL.search(value):
        raise ValueError(f"must not contain control characters (found U+{ord(found.group()):04X})")
    return value


Printable = AfterValidator(printable)


def email_address(value: str, info: ValidationInfo) -> str:
    """Writers check and normalise an e-mail address exactly as pydantic's `EmailStr` does; the
    reader takes what was stored, checked when it was written (email-validator is slow: it was
    a third of the cost of replaying a log)."""
    if info.context and info.context.get("reading"):
        return value
    return validate_email(value)[1]


Email = Annotated[str, AfterValidator(email_address), WithJsonSchema({"format": "email", "type": "string"})]
"""An e-mail address (JSON Schema `format: email`)."""

Plain = Annotated[str, Printable]
"""Free text a person typed (may be empty)."""

Text = Annotated[str, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True), Printable]

Actor = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True), Printable]
"""Who gave a command: a person's name or e-mail, a token's holder, or `system:<consumer>`."""


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class Value(BaseModel):
    """An immutable value carried inside an event."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Event(BaseModel):
    """An immutable fact. Writers are strict (extra fields forbidden)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    family: ClassVar[str]
    version: ClassVar[int] = 1
    private: ClassVar[frozenset[str]] = frozenset()
    """Fields with personal or banking data: removed before an event reaches a city's topic."""
    recorded_by: ClassVar[str | None] = None
    """The field naming who did it (a domain fact, e.g. `requested_by` for four-eyes rules).
    The tolerant reader fills it from the envelope's `actor` for events stored before it existed."""

    @classmethod
    def event_type(cls) -> str:
        return f"accelerator.{cls.family}.{snake(cls.__name__)}.v{cls.version}"

    @property
    def subject(self) -> str:
        """The startup (or challenge) this event is about."""
        raise NotImplementedError

    @property
    def city(self) -> str | None:
        """The partner city whose challenge this event belongs to, when known."""
        return getattr(self, "city_id", None)

    def refusal(self) -> str | None:
        """For a refusal kept on record (`PaymentRejected`): why the command was refused."""
        return None


class StartupEvent(Event):
    """An event about one startup (one application to one challenge)."""

    startup_id: str

    @property
    def subject(self) -> str:
        return self.startup_id
