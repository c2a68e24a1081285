"""Pilot events: after a delivered proof of concept, a pilot with a city, and what follows it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field, WithJsonSchema

from events.base import Plain, Slug, StartupEvent, Text


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


ContractValue = Annotated[
    Decimal,
    Field(ge=0, max_digits=13, decimal_places=2),
    WithJsonSchema({"type": "string", "pattern": r"^[0-9]{1,11}(\.[0-9]{1,2})?$", "description": "euros"}),
]
"""A contract's value in euros: not bound by the PoC grant cap."""


class ProcurementProcedure(StrEnum):
    """Procedures of Directive 2014/24/EU, pre-commercial procurement, and below the thresholds."""

    OPEN = "open"
    RESTRICTED = "restricted"
    COMPETITIVE_DIALOGUE = "competitive-dialogue"
    COMPETITIVE_WITH_NEGOTIATION = "competitive-with-negotiation"
    INNOVATION_PARTNERSHIP = "innovation-partnership"
    NEGOTIATED_WITHOUT_PUBLICATION = "negotiated-without-publication"
    PRE_COMMERCIAL = "pre-commercial"
    BELOW_THRESHOLD = "below-threshold"


class ProcurementAwarded(StartupEvent):
    """After a completed pilot a city buys the solution: the contract, its value, the procedure."""

    family = "pilots"
    city_id: Slug
    buyer_city: Slug
    procedure: ProcurementProcedure
    contract_value: ContractValue
    awarded_on: date
    reference: Plain = ""


class RollOutAgreed(StartupEvent):
    """After a completed pilot the solution goes to other cities."""

    family = "pilots"
    city_id: Slug
    cities: tuple[Slug, ...] = Field(min_length=1)
    note: Plain = ""


class FollowUpStopped(StartupEvent):
    """After a completed pilot nothing follows: the outcome is a stop, with the reason."""

    family = "pilots"
    city_id: Slug
    reason: Text
