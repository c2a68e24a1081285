"""The programme's rules, in one place: the grant cap, the scoring scale, the milestone plan,
the default tranche schedule and the four-eyes rules of payments."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType


@dataclass(frozen=True)
class PlanLine:
    key: str
    title: str
    due_after_days: int
    tranche_percent: int


DEFAULT_CRITERIA: Mapping[str, Decimal] = MappingProxyType(
    {
        "impact": Decimal("0.35"),
        "innovation": Decimal("0.25"),
        "feasibility": Decimal("0.25"),
        "team": Decimal("0.15"),
    }
)

DEFAULT_PLAN: tuple[PlanLine, ...] = (
    PlanLine("kick-off", "Kick-off and PoC scope agreed", 14, 30),
    PlanLine("poc-design", "Proof-of-concept design reviewed with the city", 60, 0),
    PlanLine("poc-delivered", "Proof of concept delivered and tested on city data", 120, 70),
    PlanLine("final-demo", "Final demo day", 175, 0),
)


@dataclass(frozen=True)
class ProgrammeRules:
    grant_cap: Decimal = Decimal("10000")
    programme_months: int = 6
    score_min: int = 0
    score_max: int = 10
    criteria: Mapping[str, Decimal] = field(default_factory=lambda: DEFAULT_CRITERIA)
    plan: tuple[PlanLine, ...] = DEFAULT_PLAN
    poc_milestone: str = "poc-delivered"
    four_eyes_disbursement: bool = True
    """The person who approved a payment may not also confirm it was disbursed."""

    def default_tranches(self) -> dict[str, int]:
        """The programme's tranche schedule (milestone -> % of the award): 30 % at kick-off,
        70 % at PoC delivered; a grant agreement may override it per startup."""
        return {line.key: line.tranche_percent for line in self.plan if line.tranche_percent}


RULES = ProgrammeRules()
