"""The CloudEvents 1.0 envelope every event travels in (structured JSON mode)."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

NAMESPACE = uuid.UUID("6f1c2d2e-4d7b-5b61-9a43-0b5d3c8e2a10")
SCHEMAS = "https://accelerator-tracker.eu/schemas/"
"""Where the generated JSON Schemas are published (their `$id`s); schemas/ holds them."""


def event_id(stream: str, version: int) -> str:
    """Deterministic: the same write retried gives the same id, never a second one."""
    return str(uuid.uuid5(NAMESPACE, f"{stream}@{version}"))


def schema_uri(cls: type[Any], folder: str = "events") -> str:
    """The `$id` of an event type's JSON Schema (`folder` "city" for the redacted one)."""
    return f"{SCHEMAS}{folder}/{cls.event_type()}.json"


class CloudEvent(BaseModel):
    """CloudEvents 1.0 attributes plus our extensions `city`, `stream`, `streamversion`,
    `causationid` and `actor`."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(min_length=1)
    source: str = Field(min_length=1)
    type: str = Field(pattern=r"^accelerator\.[a-z]+\.[a-z_]+\.v[0-9]+$")
    subject: str = Field(min_length=1)
    time: AwareDatetime
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str | None = None
    """The URI of the JSON Schema `data` conforms to (for a city: the redacted one)."""
    city: str | None = None
    stream: str | None = None
    streamversion: int | None = Field(default=None, ge=1)
    causationid: str | None = None
    """The id of the command that caused this event (a repeated command is recognised by it)."""
    actor: str | None = None
    """Who gave that command: a person, a token's holder, or `system:<consumer>`."""
    data: dict[str, Any]

    @property
    def family(self) -> str:
        return self.type.split(".")[1]

    def to_json(self) -> str:
        return self.model_dump_json(exclude_none=True)

    @classmethod
    def from_json(cls, raw: str | bytes) -> CloudEvent:
        return cls.model_validate_json(raw)
