"""Options that frame a challenge, shared by `challenge publish` and `challenge amend`, and
the small parsers behind them. A value that does not parse is a one-line error naming the
option; what is left out is None (for an amendment: unchanged).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from accelerator import amounts
from accelerator.cli.output import fail, validation_message
from events.applications import Member

Many = Annotated[list[str] | None, typer.Option()]

Context = Annotated[str | None, typer.Option(help="the problem and its setting, in a few paragraphs")]
SolutionType = Annotated[
    list[str] | None, typer.Option("--solution-type", help="a kind of solution expected (repeat)")
]
Goal = Annotated[list[str] | None, typer.Option("--goal", help="one of the city's goals (repeat)")]
BudgetCap = Annotated[str | None, typer.Option(help="this call's PoC cap in euros (at most 10,000)")]
Hardware = Annotated[list[str] | None, typer.Option("--hardware", help="hardware on offer (repeat)")]
Sensor = Annotated[list[str] | None, typer.Option("--sensor", help="sensors on offer (repeat)")]
Dataset = Annotated[
    list[str] | None, typer.Option("--dataset", help="a dataset on offer: 'title=https://...' (repeat)")
]
ExpertHours = Annotated[int | None, typer.Option(help="hours of expert time on offer")]
OpenTo = Annotated[
    list[str] | None,
    typer.Option(
        "--open-to", help="company, self-employed, knowledge-institution, citizens (repeat; default all)"
    ),
]
Country = Annotated[
    list[str] | None, typer.Option("--country", help="a country applicants may come from, e.g. NL (repeat)")
]
CitizensGrant = Annotated[
    bool | None, typer.Option("--citizens-grant/--no-citizens-grant", help="citizens may receive the grant")
]
CriterionOption = Annotated[
    list[str] | None,
    typer.Option(
        "--criterion",
        help="an evaluation criterion: 'key=weight:title', e.g. 'impact=40:Impact on the city' (repeat; "
        "weights add up to 100)",
    ),
]
Timeline = Annotated[
    list[str] | None, typer.Option("--timeline", help="a date on the timeline: 'YYYY-MM-DD=what' (repeat)")
]
QuestionsTo = Annotated[str | None, typer.Option(help="the programme's public mailbox for questions")]

CRITERION = re.compile(r"^\s*(?P<key>[^=]+?)\s*=\s*(?P<weight>-?[0-9]{1,3})\s*(?::\s*(?P<title>.*))?$")
MEMBER = re.compile(r"^\s*(?P<name>[^<]+?)\s*(?:<(?P<email>[^>]+)>)?\s*$")


def criteria(raw: list[str] | None) -> list[dict[str, Any]] | None:
    if raw is None:
        return None
    found = []
    for item in raw:
        match = CRITERION.match(item)
        if match is None:
            fail(f"criteria: write each criterion as key=weight:title, e.g. impact=40:Impact (got {item!r})")
        key = match["key"]
        title = match["title"] or key.replace("-", " ").capitalize()
        found.append({"key": key, "weight_percent": int(match["weight"]), "title": title})
    return found


def pairs(raw: list[str] | None, field: str, example: str) -> list[tuple[str, str]] | None:
    if raw is None:
        return None
    found = []
    for item in raw:
        left, sep, right = item.partition("=")
        if not sep or not left.strip() or not right.strip():
            fail(f"{field}: write each as {example} (got {item!r})")
        found.append((left.strip(), right.strip()))
    return found


def datasets(raw: list[str] | None) -> list[dict[str, str]] | None:
    found = pairs(raw, "offer.datasets", "title=https://...")
    return None if found is None else [{"title": t, "url": u} for t, u in found]


def timeline(raw: list[str] | None) -> list[dict[str, str]] | None:
    found = pairs(raw, "timeline", "YYYY-MM-DD=what happens")
    return None if found is None else [{"on": on, "what": what} for on, what in found]


def members(raw: list[str] | None) -> tuple[Member, ...]:
    """'Name <e-mail>' or 'Name' per member."""
    found = []
    for item in raw or ():
        match = MEMBER.match(item)
        if match is None:
            fail(f"members: write each member as 'Name <e-mail>' (got {item!r})")
        try:
            found.append(Member(name=match["name"], email=match["email"]))
        except ValidationError as error:
            fail(f"members: {validation_message(error)} (got {item!r})")
    return tuple(found)


def euros_or_none(raw: str | None, field: str) -> Decimal | None:
    if raw is None:
        return None
    try:
        return amounts.euros(raw)
    except amounts.NotAnAmount as error:
        fail(f"{field}: {error}")


def day(raw: str, field: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        fail(f"{field}: must be a date written YYYY-MM-DD (got {raw!r})")


def offer(
    budget_cap: str | None,
    hardware: list[str] | None,
    sensors: list[str] | None,
    data: list[str] | None,
    expert_hours: int | None,
) -> dict[str, Any] | None:
    given = {
        "budget_cap": euros_or_none(budget_cap, "offer.budget_cap"),
        "hardware": hardware,
        "sensors": sensors,
        "datasets": datasets(data),
        "expert_hours": expert_hours,
    }
    chosen = {k: v for k, v in given.items() if v is not None}
    return chosen or None


def eligibility(
    kinds: list[str] | None, countries: list[str] | None, citizens_grant: bool | None
) -> dict[str, Any] | None:
    given = {
        "kinds": kinds,
        "countries": [c.upper() for c in countries] if countries else countries,
        "citizens_grant": citizens_grant,
    }
    chosen = {k: v for k, v in given.items() if v is not None}
    return chosen or None


def framing(**given: Any) -> dict[str, Any]:
    """The command fields that were given (None left out)."""
    return {k: v for k, v in given.items() if v is not None}
