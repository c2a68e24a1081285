"""Operating the Kafka runtime: topics, workers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from accelerator.cli.context import of
from accelerator.cli.output import console, fail, guarded, row, say, table

topics = typer.Typer(help="Kafka topics of the programme.", no_args_is_help=True)


@topics.command("create")
def create_topics(
    ctx: typer.Context,
    city: Annotated[list[str] | None, typer.Option(help="also this partner city's topic")] = None,
) -> None:
    """Provision every topic (partitions, replication, retention, compaction) and, on a secured
    broker, each worker's principal and ACLs (passwords in the credentials file); idempotent."""
    from accelerator.kafka.admin import create_topics as provision
    from accelerator.kafka.principals import provision as principals
    from accelerator.kafka.principals import secured

    settings = of(ctx).settings
    result = guarded(lambda: provision(settings, tuple(city or ())))
    for name in result.created:
        say(("created", "green"), " ", name)
    say(f"{len(result.created)} created, {len(result.existing)} already there")
    if guarded(lambda: secured(settings)):
        done = guarded(lambda: principals(settings))
        say(
            f"{len(done.principals)} principals (one per worker, and client); {done.added} ACLs added, "
            f"{done.removed} removed; their passwords in {done.credentials} (mode 600)"
        )


def worker(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="a service, a consumer of the registry, or scheduler")],
) -> None:
    """Run one worker of the Kafka runtime in this process until Ctrl-C (names: accelerator up --help)."""
    from accelerator.kafka.workers import WORKERS, run

    if name not in WORKERS:
        fail(f"name: must be one of {', '.join(WORKERS)} (got {name!r})")
    run(name, of(ctx).settings.model_copy(update={"runtime": "kafka"}))


def up(
    ctx: typer.Context,
    only: Annotated[list[str] | None, typer.Option(help="only these workers (default: all of them)")] = None,
) -> None:
    """Start every worker of the Kafka runtime as its own process and keep them running
    (one that ends is restarted, with backoff); Ctrl-C stops them all."""
    import logging

    from accelerator.kafka.workers import WORKERS
    from accelerator.kafka.workers import up as start_all

    unknown = sorted(set(only or ()) - set(WORKERS))
    if unknown:
        fail(f"only: must be among {', '.join(WORKERS)} (got {', '.join(unknown)})")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", force=True)
    settings = of(ctx).settings.model_copy(update={"runtime": "kafka"})
    raise typer.Exit(start_all(settings, tuple(only) if only else WORKERS))


def status(ctx: typer.Context) -> None:
    """What an operator looks at first: each worker's consumer group, whether it is alive,
    and its lag per topic (records still to do). Exits 1 when a worker is down."""
    from accelerator.kafka.auth import operator
    from accelerator.kafka.health import Health
    from accelerator.kafka.scheduler import leader
    from accelerator.kafka.topics import Names
    from accelerator.kafka.workers import WORKERS, watched_topics

    settings = operator(of(ctx).settings.model_copy(update={"runtime": "kafka"}))
    names = Names(settings.topic_prefix)
    health = guarded(lambda: Health(settings))
    grid = table("worker", "alive", "members", "lag", "per topic", title="Workers")
    down = []
    try:
        for name in WORKERS:
            topics = watched_topics(name, settings)
            if not topics:
                alive = guarded(lambda: leader(settings))
                row(
                    grid,
                    name,
                    "yes" if alive else "NO",
                    "-",
                    "-",
                    "holds the scheduler lock" if alive else "",
                )
                down += [] if alive else [name]
                continue
            group = guarded(lambda n=name, t=topics: health.group(names.group(n), t))  # type: ignore[misc]
            alive = group.members > 0
            per_topic = ", ".join(
                f"{t.removeprefix(names.prefix)} {n}" for t, n in group.lag_by_topic().items() if n
            )
            row(grid, name, "yes" if alive else "NO", group.members, group.total_lag, per_topic or "-")
            down += [] if alive else [name]
    finally:
        health.close()
    console.print(grid)
    if down:
        fail(f"workers: {', '.join(down)} not running (start them: accelerator --runtime kafka up)")


def chaos(
    ctx: typer.Context,
    minutes: Annotated[float, typer.Option(help="how long the chaos lasts")] = 3,
    logs: Annotated[
        Path | None, typer.Option(help="where the workers' logs go (default: a temp dir)")
    ] = None,
    broker_restarts: Annotated[int, typer.Option(help="times the broker is stopped and started")] = 2,
) -> None:
    """Drive a programme through the Kafka runtime while workers are SIGKILLed and the broker
    restarted (deploy/kafka.sh); then check nothing was lost or doubled. Needs the servers."""
    import tempfile

    from accelerator.chaos.run import run

    folder = logs or Path(tempfile.mkdtemp(prefix="accelerator-chaos-"))
    folder.mkdir(parents=True, exist_ok=True)
    say(f"chaos for {minutes:g} min; worker logs in {folder}")
    verdict = guarded(
        lambda: run(minutes, folder, say=lambda line: say(line), broker_restarts=broker_restarts)
    )
    grid = table("what", "count", title="Chaos run")
    for what, count in verdict.counts.items():
        row(grid, what, count)
    console.print(grid)
    for failure in verdict.failures:
        say(("✘ ", "red"), failure)
    if not verdict.ok:
        fail(f"chaos: {len(verdict.failures)} invariants broken")
    say(("✔ nothing lost, nothing doubled, every grant within EUR 10,000, read model = replay", "green"))
