"""What follows a completed pilot (procurement, roll-out or stop), and the funnel to it."""

from __future__ import annotations

from typing import Annotated

import typer

from accelerator.cli import framing
from accelerator.cli.context import of
from accelerator.cli.output import console, row, table
from services.pilots import commands as pil
from services.projector.funnel import funnel as count

outcome = typer.Typer(help="After a completed pilot: procurement, roll-out or stop.", no_args_is_help=True)

PROCEDURES = ", ".join(p.value for p in pil.ProcurementProcedure)


@outcome.command("procurement")
def procurement(
    ctx: typer.Context,
    startup: str,
    buyer_city: Annotated[str, typer.Option(help="the city that awarded the contract")],
    procedure: Annotated[str, typer.Option(help=PROCEDURES)],
    value: Annotated[str, typer.Option(help="the contract's value in euros")],
    awarded_on: Annotated[str, typer.Option(help="YYYY-MM-DD")],
    reference: Annotated[str, typer.Option(help="the tender's or contract's reference")] = "",
) -> None:
    """Record a contract awarded after the pilot."""
    c = of(ctx)
    amount = framing.euros_or_none(value, "contract_value")
    c.send(
        lambda: pil.RecordProcurement.model_validate(
            dict(
                startup_id=c.startup(startup),
                buyer_city=buyer_city,
                procedure=procedure,
                contract_value=amount,
                awarded_on=awarded_on,
                reference=reference,
            )
        )
    )


@outcome.command("roll-out")
def roll_out(
    ctx: typer.Context,
    startup: str,
    city: Annotated[list[str], typer.Option("--city", help="a city the solution rolls out to (repeat)")],
    note: Annotated[str, typer.Option()] = "",
) -> None:
    """Record that the solution rolls out to other cities."""
    c = of(ctx)
    c.send(lambda: pil.RecordRollOut(startup_id=c.startup(startup), cities=tuple(city), note=note))


@outcome.command("stop")
def stop(ctx: typer.Context, startup: str, reason: Annotated[str, typer.Option()]) -> None:
    """Record that nothing follows the pilot, and why."""
    c = of(ctx)
    c.send(lambda: pil.StopFollowUp(startup_id=c.startup(startup), reason=reason))


def funnel(ctx: typer.Context) -> None:
    """From ideas and applications to procurements and roll-outs: how many reached each stage."""
    reader = of(ctx).reader
    grid = table("stage", "count", title="Funnel")
    for stage, n in count(reader.startups(), reader.challenges()):
        row(grid, stage, n)
    console.print(grid)
