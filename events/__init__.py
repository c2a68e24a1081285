"""The event catalogue: pydantic v2 models, their CloudEvents envelope and type registry."""

from events.base import Event, StartupEvent
from events.envelope import CloudEvent
from events.registry import CATALOGUE, EVENT_TYPES, envelope, parse

__all__ = ["CATALOGUE", "EVENT_TYPES", "CloudEvent", "Event", "StartupEvent", "envelope", "parse"]
