"""Milestone events: plans, deliverables, reviews of deliverables, deadlines passed."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from events.base import Actor, Slug, StartupEvent, Text


class MilestonePlanned(StartupEvent):
    family = "milestones"
    city_id: Slug
    key: Slug
    title: Text
    due_on: date
    tranche_percent: int = Field(ge=0, le=100)


class DeliverableSubmitted(StartupEvent):
    family = "milestones"
    city_id: Slug
    key: Slug
    deliverable: Text
    late: bool = False


class MilestoneApproved(StartupEvent):
    family = "milestones"
    recorded_by = "approved_by"
    city_id: Slug
    key: Slug
    tranche_percent: int = Field(ge=0, le=100)
    approved_by: Actor | None = None
    """Who approved the deliverable: a tranche it releases is not also approved by them."""


class MilestoneSentBack(StartupEvent):
    family = "milestones"
    city_id: Slug
    key: Slug
    reason: Text


class MilestoneOverdue(StartupEvent):
    family = "milestones"
    city_id: Slug
    key: Slug
    due_on: date
