"""Pilot events: after a delivered proof of concept, a pilot with a city."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from events.base import Slug, StartupEvent, Text


class PilotProposed(StartupEvent):
    family = "pilots"
    city_id: Slug
    pilot_city: Slug
    title: Text
    planned_start: date | None = None


class PilotApproved(StartupEvent):
    family = "pilots"
    city_id: Slug


class PilotStarted(StartupEvent):
    family = "pilots"
    city_id: Slug
    started_on: date


class PilotCompleted(StartupEvent):
    family = "pilots"
    city_id: Slug
    completed_on: date
    evaluation: Text
    rating: int = Field(ge=1, le=5)


class PilotCancelled(StartupEvent):
    family = "pilots"
    city_id: Slug
    reason: Text
