"""Commands of the pilots service."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from events.base import Slug, Text
from services.kernel import StartupCommand


class ProposePilot(StartupCommand):
    pilot_city: Slug
    title: Text
    planned_start: date | None = None


class ApprovePilot(StartupCommand):
    pass


class StartPilot(StartupCommand):
    pass


class CompletePilot(StartupCommand):
    evaluation: Text
    rating: int = Field(ge=1, le=5)


class CancelPilot(StartupCommand):
    reason: Text
