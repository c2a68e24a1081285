"""Selection events: reviews, conflicts of interest, decisions and offers."""

from __future__ import annotations

from enum import StrEnum

from events.base import Plain, Score, Slug, StartupEvent, Text


class Decision(StrEnum):
    SELECTED = "selected"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"


class ReviewerAssigned(StartupEvent):
    family = "selection"
    city_id: Slug
    reviewer: Text


class ConflictOfInterestDeclared(StartupEvent):
    family = "selection"
    city_id: Slug
    reviewer: Text
    reason: Text


class ApplicationScored(StartupEvent):
    family = "selection"
    city_id: Slug
    reviewer: Text
    scores: dict[str, int]
    weighted_score: Score


class ApplicationDecided(StartupEvent):
    family = "selection"
    city_id: Slug
    decision: Decision
    average_score: Score | None = None
    note: Plain = ""


class OfferAccepted(StartupEvent):
    family = "selection"
    city_id: Slug


class OfferDeclined(StartupEvent):
    family = "selection"
    city_id: Slug
    reason: Text
