"""What the API answers: response models, so the OpenAPI document shows every shape."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel

from events import CloudEvent
from events.applications import Contact
from services.payments.domain import committed
from services.projector.views import StartupView
from services.rules import RULES

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int


class Grant(BaseModel):
    """A startup's proof-of-concept grant against the cap."""

    cap: Decimal
    awarded: Decimal
    """What it may receive: its requested budget, never more than the cap."""
    paid: Decimal
    committed: Decimal
    """Paid, or approved or instructed and on its way: what counts against the award."""
    remaining: Decimal

    @classmethod
    def of(cls, view: StartupView) -> Grant:
        taken = committed((p.status, p.amount) for p in view.payments.values())
        awarded = min(view.requested_budget, RULES.grant_cap)
        return cls(
            cap=RULES.grant_cap, awarded=awarded, paid=view.paid, committed=taken, remaining=awarded - taken
        )


class StartupOut(StartupView):
    grant: Grant

    @classmethod
    def of(cls, view: StartupView) -> StartupOut:
        return cls(**view.model_dump(), grant=Grant.of(view))


class StartupDetail(BaseModel):
    startup: StartupOut
    history: list[CloudEvent]
    as_of: datetime | None = None


class GrantOut(BaseModel):
    startup_id: str
    company_name: str
    city_id: str
    phase: str
    grant: Grant


class PilotOut(BaseModel):
    startup_id: str
    company_name: str
    city_id: str
    pilot_city: str | None
    title: str | None
    status: str
    rating: int | None


class ReviewOut(BaseModel):
    startup_id: str
    reviewer: str
    scores: dict[str, int] = {}
    weighted_score: Decimal | None = None
    conflict: bool = False
    conflict_reason: str | None = None


class ApplicationOut(BaseModel):
    startup_id: str
    company_name: str
    enterprise_number: str
    challenge_id: str
    city_id: str
    requested_budget: Decimal
    phase: str
    reviewers: list[str] = []
    proposal: str | None = None
    """In one application's detail."""
    contact: Contact | None = None
    """Only for the programme manager and the startup itself."""
    reviews: list[ReviewOut] = []


class PaymentOut(BaseModel):
    payment_id: str
    startup_id: str
    company_name: str
    city_id: str
    milestone_key: str
    amount: Decimal
    status: str
    attempts: int
    reason: str
    iban: str | None = None
    """Only for the programme manager, finance and the startup itself."""


class OutcomeOut(BaseModel):
    """What a command did: its own events, then what policies did in reaction."""

    command_id: str
    status: Literal["done"] = "done"
    repeated: bool = False
    """The command id (Idempotency-Key) was seen before: this is its first outcome again."""
    events: list[CloudEvent]
    reactions: list[CloudEvent] = []


class Accepted(BaseModel):
    """Kafka: the command is on its service's topic; its outcome will be at `outcome`."""

    command_id: str
    status: Literal["pending"] = "pending"
    outcome: str


class Me(BaseModel):
    token_id: str
    role: str
    holder: str
    commands: list[str]
    queries: list[str]
