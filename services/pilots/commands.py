"""Commands of the pilots service."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from events.base import Slug, Text
from services.kernel import Command


class ProposePilot(Command):
    startup_id: str
    pilot_city: Slug
    title: Text
    planned_start: date | None = None


class ApprovePilot(Command):
    startup_id: str


class StartPilot(Command):
    startup_id: str


class CompletePilot(Command):
    startup_id: str
    evaluation: Text
    rating: int = Field(ge=1, le=5)


class CancelPilot(Command):
    startup_id: str
    reason: Text
