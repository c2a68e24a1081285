"""Reading the programme: startups, one startup's story, the live stream, rebuilds, the demo."""

from __future__ import annotations

import time as wallclock
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated

import typer

from accelerator import queries
from accelerator.cli.context import Context, of
from accelerator.cli.output import (
    console,
    event_line,
    fail,
    guarded,
    money,
    row,
    say,
    startup_table,
    table,
    write,
)
from accelerator.embedded.files import check_file
from accelerator.progress import Advance, events_bar
from events.base import FAMILIES
from services.kernel import PROGRAMME_TZ
from services.projector.views import PHASES, StartupView

scheduler = typer.Typer(help="Deadlines: overdue milestones, calls, programme end.", no_args_is_help=True)


def startups(
    ctx: typer.Context,
    city: Annotated[str | None, typer.Option(help="only this city's startups")] = None,
    phase: Annotated[str | None, typer.Option(help=f"only those in this phase: {', '.join(PHASES)}")] = None,
    challenge: Annotated[str | None, typer.Option(help="only those answering this challenge")] = None,
    limit: Annotated[int, typer.Option(help="startups per page (0: all of them)", min=0)] = 50,
    page: Annotated[int, typer.Option(help="which page", min=1)] = 1,
) -> None:
    """A table of the startups' projected state, by challenge and company, a page at a time."""
    if phase is not None and phase not in PHASES:
        fail(f"phase: must be one of {', '.join(PHASES)} (got {phase!r})")
    views = of(ctx).reader.startups(city, phase, challenge, limit or None, page)
    title = "Startups" if not limit else f"Startups, page {page} ({limit} a page)"
    console.print(startup_table(views, title=title))
    if limit and len(views) == limit:
        say((f"more on the next page: --page {page + 1}", "dim"))


def _end_of(day: str) -> datetime:
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        fail(f"as_of: must be a date written YYYY-MM-DD (got {day!r})")
    return datetime.combine(parsed + timedelta(days=1), time(0), PROGRAMME_TZ) - timedelta(microseconds=1)


def show(
    ctx: typer.Context,
    startup: str,
    as_of: Annotated[str | None, typer.Option(help="the state at the end of YYYY-MM-DD")] = None,
) -> None:
    """One startup's state and its full event history (or both as they were on a date)."""
    c = of(ctx)
    startup_id = c.startup(startup)
    until = _end_of(as_of) if as_of else None
    history = c.reader.history(startup_id, until)
    view = queries.replayed(startup_id, history) if until else c.reader.startup(startup_id)
    if view is None:
        fail(f"as_of: {startup} had not applied yet on {as_of}")
    _print_view(view, f" as of {as_of}" if as_of else "")
    say(("History", "bold"))
    for ce in history:
        say(event_line(ce))


def _print_view(v: StartupView, when: str) -> None:
    console.print(startup_table([v], title=f"{v.company_name} ({v.enterprise_number}){when}"))
    if v.milestones:
        grid = table(
            "milestone", "due", "tranche", "status", "overdue", "late", "sent back", title="Milestones"
        )
        for m in v.milestones.values():
            row(
                grid,
                m.key,
                str(m.due_on),
                f"{m.tranche_percent} %",
                m.status,
                "yes" if m.overdue else "",
                "yes" if m.late else "",
                str(m.sent_back or ""),
            )
        console.print(grid)
    if v.payments:
        grid = table("payment", "amount €", "status", "attempts", "reason", title="Payments")
        for p in v.payments.values():
            row(grid, p.payment_id, money(p.amount), p.status, str(p.attempts), p.reason)
        console.print(grid)
    extras = [
        f"scores: {dict(v.scores)}" if v.scores else "",
        f"expert sessions: {v.expert_sessions} ({v.expert_hours:g} h)" if v.expert_sessions else "",
        f"hardware on loan: {', '.join(v.hardware_on_loan)}" if v.hardware_on_loan else "",
        f"pilot: {v.pilot_title} — {v.pilot_status}" if v.pilot_title else "",
    ]
    for line in filter(None, extras):
        say(line)


def watch(
    ctx: typer.Context,
    family: Annotated[list[str] | None, typer.Option(help=f"only these: {', '.join(FAMILIES)}")] = None,
    from_start: Annotated[bool, typer.Option(help="replay the log from the first event")] = False,
    max_events: Annotated[int | None, typer.Option(help="stop after this many events")] = None,
    seconds: Annotated[float | None, typer.Option(help="stop after this many seconds")] = None,
    poll: Annotated[float, typer.Option(help="seconds between looks at the log")] = 0.5,
) -> None:
    """Follow new events live (Ctrl-C stops), e.g. --family milestones."""
    unknown = set(family or ()) - set(FAMILIES)
    if unknown:
        fail(f"family: must be one of {', '.join(FAMILIES)} (got {', '.join(sorted(unknown))})")
    events = of(ctx).reader.follow(family or (), from_start, poll)
    shown, deadline = 0, (wallclock.monotonic() + seconds) if seconds is not None else None
    try:
        while deadline is None or wallclock.monotonic() < deadline:
            ce = next(events)
            if ce is None:
                continue
            write(event_line(ce))
            shown += 1
            if max_events is not None and shown >= max_events:
                return
    except KeyboardInterrupt:
        return


def rebuild(
    ctx: typer.Context,
    repair: Annotated[bool, typer.Option(help="replace the read model with the replayed one")] = False,
) -> None:
    """Replay the whole log into fresh views and report whether they match the read model."""
    c = of(ctx)
    with events_bar("replaying the log", None) as advance:
        report = guarded(lambda: _rebuild(c, repair, advance))
    say(
        f"replayed {report.events:,} events into {report.startups:,} startups "
        f"and {report.challenges:,} challenges"
    )
    if report.unreadable:
        say((f"{report.unreadable} events nobody can read were left out (see dead-letters)", "yellow"))
    if report.matches:
        say(("the read model matches the log", "green"))
        return
    for line in report.differences:
        say(f"  {line}")
    if report.different > len(report.differences):
        say(f"  ... and {report.different - len(report.differences):,} more")
    if repair:
        say((f"{report.different:,} views of the read model were replaced by the replayed ones", "yellow"))
        return
    fail(f"read model: {report.different:,} views differ from the log (run with --repair)")


def _rebuild(c: Context, repair: bool, advance: Advance) -> queries.RebuildReport:
    """On the embedded runtime straight on the file, without building the runtime: a rebuild
    is the store's biggest job, and stays small."""
    if c.settings.runtime == "embedded":
        from accelerator.embedded.rebuild import rebuild as rebuild_store

        return rebuild_store(c.settings.store, repair, advance)
    return queries.rebuild(c.runtime if repair else c.reader, repair, advance)


def dead_letters(ctx: typer.Context) -> None:
    """What consumers could not process, with the reason."""
    for letter in of(ctx).reader.dead_letters():
        say(f"{letter.consumer} {letter.where}: {letter.reason}")


@scheduler.command("tick")
def tick(ctx: typer.Context) -> None:
    """Run the deadline check once, for today (or ACCELERATOR_NOW)."""
    for event in of(ctx).runtime.tick():
        say(f"{type(event).__name__} {event.subject}")


@scheduler.command("run")
def run_scheduler(
    ctx: typer.Context,
    interval: Annotated[int | None, typer.Option(help="seconds between checks")] = None,
    seconds: Annotated[float | None, typer.Option(help="stop after this many seconds")] = None,
) -> None:
    """Run the deadline check on a schedule (apscheduler, durable job store) until Ctrl-C."""
    from accelerator import scheduling
    from accelerator.embedded.runtime import EmbeddedRuntime

    c = of(ctx)
    if not isinstance(c.runtime, EmbeddedRuntime):
        fail("runtime: on Kafka the scheduler is a worker: accelerator --runtime kafka worker scheduler")
    every = interval or c.settings.scheduler_interval_seconds
    try:
        scheduling.run(c.runtime, c.runtime.engine, every, scheduling.for_seconds(seconds))
    except KeyboardInterrupt:
        return


def demo(
    ctx: typer.Context,
    store: Annotated[Path, typer.Option(help="where the demo keeps its store (recreated)")] = Path(
        ".accelerator/demo.db"
    ),
    quiet: Annotated[bool, typer.Option(help="print only the final table")] = False,
) -> None:
    """Run a whole six-month programme for Brugge and Mechelen on a virtual clock.

    On the Kafka runtime it needs the workers up (`accelerator up`) on fresh topics
    (a new ACCELERATOR_TOPIC_PREFIX): the demo's ids are the same every run."""
    from accelerator.bootstrap import bootstrap
    from accelerator.demo import START, run_demo
    from services.kernel import VirtualClock

    settings = of(ctx).settings
    if settings.runtime == "embedded":
        guarded(lambda: check_file(store))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{store}{suffix}").unlink(missing_ok=True)
        settings = settings.model_copy(update={"store": store})
    clock = VirtualClock(datetime.combine(START, time(9), PROGRAMME_TZ))
    runtime = guarded(lambda: bootstrap(settings, clock))
    folder = store.parent / "demo-finance"
    for old in folder.glob("*.xml"):
        old.unlink()
    programme = run_demo(runtime, clock, say=(lambda _line: None) if quiet else say, folder=folder)
    where = store if settings.runtime == "embedded" else f"Kafka {settings.kafka_bootstrap_servers}"
    console.print(
        startup_table(runtime.startups(), title=f"Projected state on {clock.now().date()} ({where})")
    )
    say(
        f"{len(runtime.history())} events; {len(programme.refusals)} refusals shown; "
        f"explore with: accelerator --store {store} show Parkly"
    )
    say(
        f"SEPA files and the bank's answers: {folder}; the ledger: accelerator --store {store} finance ledger"
    )
