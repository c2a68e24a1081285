"""How the CLI talks: one-line errors naming the field and rule, events, tables of views.

Everything a user typed (names, reasons, references) is data, never markup or a terminal
code: it goes to Rich as `Text` (markup is not parsed there) with control characters shown
as escapes (`\\x1b`), so one odd company name cannot break the tool or the terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, NoReturn, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from rich.text import Text
from typer._click import exceptions as cli_errors  # typer 0.29 carries its own click

from accelerator.embedded.files import StoreError
from accelerator.runtime import Unavailable
from events import CloudEvent
from events.base import CONTROL
from services.kernel import ConcurrencyConflict, Rejected
from services.projector.views import StartupView

if TYPE_CHECKING:
    from accelerator.runtime import Outcome

# Piped output (CI logs, files) gets wide tables instead of rich's 80-column default.
console = Console() if sys.stdout.isatty() else Console(width=160)
errors = Console(stderr=True) if sys.stderr.isatty() else Console(stderr=True, width=160)

T = TypeVar("T")


def shown(value: object) -> str:
    """A value as plain text, its control characters written as escapes."""
    return CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", str(value))


def plain(value: object, style: str = "") -> Text:
    """A value for Rich: never parsed as markup."""
    return Text(shown(value), style=style)


def say(*parts: str | Text | tuple[str, str]) -> None:
    """One line of output from plain strings (data) and (text, style) pairs."""
    console.print(_line(parts), highlight=False, soft_wrap=True)


def _line(parts: Iterable[str | Text | tuple[str, str]]) -> Text:
    line = Text()
    for part in parts:
        if isinstance(part, tuple):
            line.append(plain(part[0], part[1]))
        else:
            line.append(part if isinstance(part, Text) else plain(part))
    return line


def complain(message: str) -> None:
    """One error line on stderr (a file's problems: one line each), without exiting."""
    errors.print(_line([("error:", "bold red"), " ", message]), highlight=False, soft_wrap=True)


def fail(message: str) -> NoReturn:
    complain(message)
    raise typer.Exit(1)


def validation_message(error: ValidationError) -> str:
    """`field: rule` per problem, in pydantic's words less its "Value error, " prefix; only the
    first letter is lowered, so that quoted input and code points (U+001B) stay as they are."""
    parts = []
    for item in error.errors():
        field = ".".join(str(p) for p in item["loc"]) or "input"
        rule = item["msg"].removeprefix("Value error, ")
        parts.append(f"{field}: {rule[:1].lower()}{rule[1:]}")
    return "; ".join(parts)


def usage_message(error: cli_errors.UsageError) -> str:
    """An option or argument the command line got wrong (a value of the wrong type, an unknown
    option, a missing argument) as `field: rule` and where the help is: one line, like every
    other refusal, instead of click's usage and boxed message."""
    param = error.param if isinstance(error, cli_errors.BadParameter) else None
    if param is not None and error.message and not isinstance(error, cli_errors.MissingParameter):
        field = "/".join(param.opts) if param.param_type_name == "option" else param.name
        message = f"{field}: {error.message[:1].lower()}{error.message[1:]}"
    else:
        message = error.format_message().rstrip(".")
        message = message[:1].lower() + message[1:]
    where = f" (see {error.ctx.command_path} --help)" if error.ctx is not None else ""
    return shown(message + where)


def guarded(action: Callable[[], T]) -> T:
    """Run an action; turn every refusal into a one-line error and a non-zero exit."""
    try:
        return action()
    except Rejected as refusal:
        fail(str(refusal))
    except ValidationError as error:
        fail(validation_message(error))
    except (StoreError, ConcurrencyConflict, Unavailable) as error:
        fail(str(error))


def report(outcome: Outcome) -> None:
    """The command's own events, then what policies did in reaction; exit 1 on a refusal
    the programme keeps on record."""
    if not outcome.recorded:
        say("nothing to do: already done")
    for ce in outcome.recorded:
        say(("✔", "green"), " ", _name(ce), " ", (ce.subject, "bold"))
    for ce in outcome.reactions:
        say("  ", ("→", "dim"), " ", _name(ce), " ", (ce.subject, "bold"), " (policy)")
    if outcome.refusal is not None:
        fail(outcome.refusal)


def _name(ce: CloudEvent) -> str:
    return "".join(word.capitalize() for word in ce.type.split(".")[2].split("_"))


def money(amount: object) -> str:
    return f"{amount:,.2f}"


def table(*columns: str, title: str) -> Table:
    return Table(*columns, title=plain(title), title_justify="left")


def row(table: Table, *cells: object) -> None:
    table.add_row(*(plain(cell) for cell in cells))


def startup_table(views: Iterable[StartupView], title: str = "Startups") -> Table:
    grid = Table(title=plain(title), title_justify="left")
    for column in ("startup", "company", "challenge", "phase", "done", "overdue", "late"):
        grid.add_column(column, justify="right" if column in ("done", "overdue", "late") else "left")
    for column in ("paid €", "remaining €", "pilot"):
        grid.add_column(column, justify="right" if "€" in column else "left")
    for v in views:
        started = bool(v.milestones)
        late = sum(m.overdue or m.late for m in v.milestones.values())
        row(
            grid,
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
    return grid


def event_line(ce: CloudEvent) -> str:
    """One event as one line of plain text (control characters escaped)."""
    data = {k: v for k, v in ce.data.items() if k not in ("startup_id", "city_id", "contact")}
    detail = ", ".join(f"{k}={v}" for k, v in data.items() if not isinstance(v, (list, dict)))
    by = f" by {ce.actor}" if ce.actor else ""
    return shown(f"{ce.time:%Y-%m-%d %H:%M} {ce.type.split('.')[2]:<28} {ce.subject:<22} {detail}{by}")


def write(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
