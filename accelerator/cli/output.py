"""How the CLI talks: one-line errors naming the field and rule, events, tables of views."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import NoReturn, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from accelerator.embedded.store import ConcurrencyConflict, NotAStore
from events import CloudEvent, Event, parse
from events.payments import PaymentRejected
from services.kernel import Rejected
from services.projector.views import StartupView

# Piped output (CI logs, files) gets wide tables instead of rich's 80-column default.
console = Console() if sys.stdout.isatty() else Console(width=160)
errors = Console(stderr=True) if sys.stderr.isatty() else Console(stderr=True, width=160)

T = TypeVar("T")


def fail(message: str) -> NoReturn:
    errors.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def validation_message(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        field = ".".join(str(p) for p in item["loc"]) or "input"
        parts.append(f"{field}: {item['msg'].lower()}")
    return "; ".join(parts)


def guarded(action: Callable[[], T]) -> T:
    """Run an action; turn every refusal into a one-line error and a non-zero exit."""
    try:
        return action()
    except Rejected as refusal:
        fail(str(refusal))
    except ValidationError as error:
        fail(validation_message(error))
    except (NotAStore, ConcurrencyConflict) as error:
        fail(str(error))


def report(events: Iterable[Event], followed_by: Iterable[CloudEvent] = ()) -> None:
    """The command's own events, then what policies did in reaction."""
    recorded = list(events)
    if not recorded:
        console.print("nothing to do: already done", highlight=False)
    for event in recorded:
        console.print(f"[green]✔[/] {type(event).__name__} [bold]{event.subject}[/]", highlight=False)
    for ce in followed_by:
        name = parse(ce).__class__.__name__
        console.print(f"  [dim]→[/] {name} [bold]{ce.subject}[/] (policy)", highlight=False)
    refusal = next((e for e in recorded if isinstance(e, PaymentRejected)), None)
    if refusal is not None:
        fail(f"payment {refusal.payment_id} rejected — {refusal.reason}")


def money(amount: object) -> str:
    return f"{amount:,.2f}"


def startup_table(views: Iterable[StartupView], title: str = "Startups") -> Table:
    table = Table(title=title, title_justify="left")
    for column in ("startup", "company", "challenge", "phase", "done", "overdue", "late"):
        table.add_column(column, justify="right" if column in ("done", "overdue", "late") else "left")
    for column in ("paid €", "remaining €", "pilot"):
        table.add_column(column, justify="right" if "€" in column else "left")
    for v in views:
        started = bool(v.milestones)
        late = sum(m.overdue or m.late for m in v.milestones.values())
        table.add_row(
            v.startup_id,
            v.company_name,
            v.challenge_id,
            v.phase,
            f"{v.milestones_done}/{len(v.milestones)}" if started else "-",
            str(v.milestones_overdue) if started else "-",
            str(late) if started else "-",
            money(v.paid),
            money(v.remaining) if started else "-",
            f"{v.pilot_status} ({v.pilot_city})" if v.pilot_city else "-",
        )
    return table


def event_line(ce: CloudEvent) -> str:
    data = {k: v for k, v in ce.data.items() if k not in ("startup_id", "city_id", "contact")}
    detail = ", ".join(f"{k}={v}" for k, v in data.items() if not isinstance(v, (list, dict)))
    return f"{ce.time:%Y-%m-%d %H:%M} {ce.type.split('.')[2]:<28} {ce.subject:<22} {detail}"


def write(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
