"""The `accelerator` command: every verb of the programme, against the embedded store."""

from __future__ import annotations

import logging
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from typer._click import exceptions as cli_errors  # typer 0.29 carries its own click

from accelerator.bench.cli import bench
from accelerator.cli import (
    challenges,
    finance,
    open_call,
    operating,
    outcomes,
    partners,
    programme,
    programme_run,
    reading,
    web,
    webhooks,
)
from accelerator.cli.context import Context
from accelerator.cli.output import complain, guarded, shown, usage_message
from accelerator.settings import Settings

app = typer.Typer(
    help="Run a city's open-innovation accelerator: challenges to pilots, as events.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    store: Annotated[Path | None, typer.Option(help="the store file [env: ACCELERATOR_STORE]")] = None,
    now: Annotated[
        datetime | None, typer.Option(help="act as if it were this moment [env: ACCELERATOR_NOW]")
    ] = None,
    runtime: Annotated[str | None, typer.Option(help="embedded (default) or kafka")] = None,
    actor: Annotated[
        str | None,
        typer.Option(
            "--as", help="who gives the commands, recorded on their events [env: ACCELERATOR_ACTOR]"
        ),
    ] = None,
) -> None:
    quiet_clients()
    overrides: dict[str, object] = {}
    if actor is not None:
        overrides["actor"] = actor
    if store is not None:
        overrides["store"] = store
    if now is not None:
        overrides["now"] = now if now.tzinfo else now.astimezone()
    if runtime is not None:
        overrides["runtime"] = runtime
    ctx.obj = Context(guarded(lambda: Settings(**overrides)))  # type: ignore[arg-type]
    ctx.call_on_close(ctx.obj.close)


challenges.register()  # publish, amend, show, export join the `challenge` group
app.add_typer(programme.challenge, name="challenge")
app.add_typer(open_call.question, name="question")
app.add_typer(open_call.idea, name="idea")
app.command("apply")(programme.apply)
app.command("withdraw")(programme.withdraw)
app.add_typer(programme.review, name="review")
app.add_typer(programme.offer, name="offer")
app.add_typer(programme_run.cohort, name="cohort")
app.add_typer(programme_run.milestone, name="milestone")
app.command("terminate")(programme_run.terminate)
app.add_typer(programme_run.expert, name="expert")
app.add_typer(programme_run.hardware, name="hardware")
app.add_typer(programme_run.payment, name="payment")
app.add_typer(programme_run.pilot, name="pilot")
app.add_typer(outcomes.outcome, name="outcome")
app.command("funnel")(outcomes.funnel)
app.add_typer(finance.grant, name="grant")
app.add_typer(finance.finance, name="finance")
app.command("startups")(reading.startups)
app.command("show")(reading.show)
app.command("watch")(reading.watch)
app.command("rebuild")(reading.rebuild)
app.command("dead-letters")(reading.dead_letters)
app.add_typer(reading.scheduler, name="scheduler")
app.command("demo")(reading.demo)
app.add_typer(operating.topics, name="topics")
app.command("worker")(operating.worker)
app.command("up")(operating.up)
app.command("status")(operating.status)
app.command("chaos")(operating.chaos)
app.command("serve")(web.serve)
app.add_typer(web.tokens, name="tokens")
app.add_typer(bench, name="bench")
cities = typer.Typer(help="Partner cities: on the broker, by webhook, by feed.", no_args_is_help=True)
cities.command("add")(partners.add_city)
cities.command("remove")(partners.remove_city)
cities.command("list")(partners.list_partners)
cities.command("subscribe")(webhooks.subscribe)
cities.command("unsubscribe")(webhooks.unsubscribe)
cities.command("rotate-secret")(webhooks.rotate_secret)
cities.command("pause")(webhooks.pause)
cities.command("resume")(webhooks.resume)
cities.command("replay")(webhooks.replay)
cities.command("deliveries")(webhooks.deliveries)
cities.command("deliver")(webhooks.deliver)
app.add_typer(cities, name="cities")
finance.finance.command("add")(partners.add_finance)
finance.finance.command("remove")(partners.remove_finance)
app.add_typer(partners.principals, name="principals")


def quiet_clients() -> None:
    """Our own waiting messages go to stderr, one line each; the clients' own chatter does not."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    for noisy in ("kafka", "aiokafka", "apscheduler", "sqlalchemy"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)


def main() -> None:
    try:
        code = app(standalone_mode=False)  # click's own errors come here, to be one line
    except cli_errors.NoArgsIsHelpError as error:  # a group given nothing: its help is shown
        sys.exit(error.exit_code)
    except cli_errors.UsageError as error:
        complain(usage_message(error))
        sys.exit(error.exit_code)
    except cli_errors.ClickException as error:
        complain(shown(error.format_message()))
        sys.exit(error.exit_code)
    except typer.Abort:
        complain("aborted")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)  # a command's typer.Exit(code), or 0
