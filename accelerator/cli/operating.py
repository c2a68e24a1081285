"""Operating the Kafka runtime: topics, workers."""

from __future__ import annotations

from typing import Annotated

import typer

from accelerator.cli.context import of
from accelerator.cli.output import console, fail

topics = typer.Typer(help="Kafka topics of the programme.", no_args_is_help=True)


@topics.command("create")
def create_topics(
    ctx: typer.Context,
    city: Annotated[list[str] | None, typer.Option(help="also this partner city's topic")] = None,
) -> None:
    """Provision every topic (partitions, replication, retention, compaction); idempotent."""
    from accelerator.kafka.admin import create_topics as provision

    settings = of(ctx).settings
    try:
        result = provision(settings, tuple(city or ()))
    except Exception as error:  # kafka-python raises plain errors when no broker answers
        fail(f"kafka_bootstrap_servers: no broker at {settings.kafka_bootstrap_servers} ({error})")
    for name in result.created:
        console.print(f"[green]created[/] {name}", highlight=False)
    console.print(f"{len(result.created)} created, {len(result.existing)} already there", highlight=False)


def worker(ctx: typer.Context, name: Annotated[str, typer.Argument(help="which service to run")]) -> None:
    """Run one service of the Kafka runtime in this process until Ctrl-C."""
    from accelerator.kafka.workers import WORKERS, run

    if name not in WORKERS:
        fail(f"name: must be one of {', '.join(WORKERS)} (got {name!r})")
    run(name, of(ctx).settings.model_copy(update={"runtime": "kafka"}))


def up(ctx: typer.Context) -> None:
    """Start every worker of the Kafka runtime as its own process; Ctrl-C stops them all."""
    from accelerator.kafka.workers import up as start_all

    raise typer.Exit(start_all(of(ctx).settings.model_copy(update={"runtime": "kafka"})))
