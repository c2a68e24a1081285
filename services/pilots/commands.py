"""Commands of the pilots service: pilots, and the outcome that follows a completed one."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from events.base import Plain, Slug, Text
from events.pilots import ContractValue, ProcurementProcedure

__all__ = ["ProcurementProcedure"]
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


class RecordProcurement(StartupCommand):
    """After a completed pilot: a city awarded a contract for the solution."""

    buyer_city: Slug
    procedure: ProcurementProcedure
    contract_value: ContractValue
    awarded_on: date
    reference: Plain = ""


class RecordRollOut(StartupCommand):
    """After a completed pilot: the solution goes to these other cities."""

    cities: tuple[Slug, ...]
    note: Plain = ""


class StopFollowUp(StartupCommand):
    """After a completed pilot: nothing follows, for this reason."""

    reason: Text
