"""`accelerator bench`: the suite (figures, baselines, ratios, targets), and `bench generate`.

`python -m accelerator.bench` runs the same commands.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from accelerator.progress import events_bar

if TYPE_CHECKING:  # the modules behind the figures load when a benchmark runs, not with the CLI
    from accelerator.bench.history import History
    from accelerator.bench.suite import Figure, Results

CACHE = Path(".accelerator/bench")
KAFKA_EVENTS = 100_000
"""Events put on the topics for the Kafka projector's catch-up."""
RESULTS = Path("bench/results")

bench = typer.Typer(help="Benchmarks: this project against its peers, on a synthetic history.")

Events = Annotated[int, typer.Option(help="events in the history (100,000 for a quick run)")]
Seed = Annotated[int, typer.Option(help="the history's random seed")]
Cache = Annotated[Path, typer.Option(help="where generated histories are kept")]


@bench.callback(invoke_without_command=True)
def suite(
    ctx: typer.Context,
    events: Events = 1_000_000,
    seed: Seed = 2027,
    runs: Annotated[int, typer.Option(help="rounds; each figure's median is reported")] = 3,
    kafka: Annotated[bool, typer.Option(help="also the Kafka figures (servers must be running)")] = False,
    cache: Cache = CACHE,
    results: Annotated[Path, typer.Option(help="where the table is written")] = RESULTS,
) -> None:
    """Run every figure RUNS times, interleaved, and print the table (also written to
    bench/results/<date>.md)."""
    if ctx.invoked_subcommand is not None:
        return
    from accelerator.bench import peers
    from accelerator.bench.suite import machine, measure, render

    history = _history(cache, events, seed)

    with events_bar("copying it into eventsourcing's recorder", history.events) as advance:
        peers.peer_log(history.path, advance)
    figures = embedded_figures(history)
    if kafka:
        from accelerator.bench.kafka import kafka_figures

        figures += kafka_figures(str(history.path), min(history.events, KAFKA_EVENTS))
    outcome = measure(figures, runs, lambda line: typer.echo(line, err=True))
    facts = machine() | _facts(history, runs, events, seed, kafka)
    table = render(outcome, history, targets(outcome, kafka), facts)
    typer.echo(table)
    results.mkdir(parents=True, exist_ok=True)
    (results / f"{date.today()}.md").write_text(table)


@bench.command("generate")
def generate_command(events: Events = 1_000_000, seed: Seed = 2027, cache: Cache = CACHE) -> None:
    """Write (once: it is cached) a consortium's history of EVENTS events through the domain."""
    history = _history(cache, events, seed)
    typer.echo(
        f"{history.path}: {history.events:,} events, {history.startups:,} startups, "
        f"{history.challenges:,} challenges in {history.cities} cities, {history.first_day} to "
        f"{history.last_day} ({history.commands:,} commands, {history.refusals:,} refused)"
    )


def _history(cache: Path, events: int, seed: int) -> History:
    from accelerator.bench.history import generate

    return generate(cache, events, seed)


def embedded_figures(history: History) -> list[Figure]:
    from accelerator.bench.suite import CLI, PROBE, Figure

    store = str(history.path)
    ref, day, city = _sample(history.path)
    query, cli, rebuild = [*PROBE, "query", store], [*CLI, "--store", store], [*PROBE, "rebuild", store]
    return [
        Figure("rebuild", "`rebuild --repair` into an empty read model", [*rebuild, "fresh"], "events/s"),
        Figure("compare", "`rebuild` (compare only, views up to date)", [*rebuild, "compare"], "events/s"),
        Figure("peer", "eventsourcing 9.5.6: replay, same views", [*PROBE, "peer", store], "events/s"),
        Figure("bare", "bare `SELECT envelope` + `orjson.loads`", [*PROBE, "bare", store], "rows/s"),
        Figure("show", f"`show {ref}` (warm, per call)", [*query, "show", ref], "ms"),
        Figure("as-of", f"`show {ref} --as-of {day}` (warm)", [*query, "show-as-of", ref, day], "ms"),
        Figure("page", "`startups`, first page of 50 (warm)", [*query, "first-page"], "ms"),
        Figure("city", f"`startups --city {city}`, first page (warm)", [*query, "first-page", city], "ms"),
        Figure("cli-show", f"`accelerator show {ref}`, whole process", [*cli, "show", ref], "ms", False),
        Figure("cli-page", "`accelerator startups`, whole process", [*cli, "startups"], "ms", False),
        Figure("watch", "`watch --from-start` catching up", [*PROBE, "watch", store], "events/s"),
        Figure("commands", "commands (decide to views)", [*PROBE, "commands", store], "commands/s"),
        Figure("demo", "`accelerator demo` (embedded, 300 days)", [*PROBE, "demo"], "s"),
    ]  # fmt: skip


def _sample(store: Path) -> tuple[str, str, str]:
    """A startup that went the whole way — named by its company name if no other company has
    it, else by an id prefix only it has — a day in the middle of its programme, and the city
    with most startups."""
    with closing(sqlite3.connect(f"file:{store}?mode=ro", uri=True)) as connection:
        startup, name, starts = connection.execute(
            "SELECT startup_id, company_name, json_extract(view, '$.starts_on') FROM startup_view "
            "WHERE phase = 'completed' ORDER BY startup_id LIMIT 1"
        ).fetchone()
        (named,) = connection.execute(
            "SELECT COUNT(*) FROM startup_view WHERE company_name = ?", (name,)
        ).fetchone()
        (prefixed,) = connection.execute(
            "SELECT COUNT(*) FROM startup_view WHERE startup_id >= ? AND startup_id < ?",
            (startup[:-1], startup[:-1] + "~"),
        ).fetchone()
        (city,) = connection.execute(
            "SELECT city_id FROM startup_view GROUP BY city_id ORDER BY COUNT(*) DESC LIMIT 1"
        ).fetchone()
    ref = name if named == 1 else startup[:-1] if prefixed == 1 else startup
    return ref, str(date.fromisoformat(starts) + timedelta(days=60)), city


def targets(results: Results, kafka: bool) -> list[str]:
    """The issue's targets, each with what this run measured."""

    def line(what: str, value: str, met: bool) -> str:
        return f"| {what} | {value} {'met' if met else 'NOT met'} |"

    speed = results.paired_ratio("rebuild", "peer", "events/s")
    cpu = results.median_extra("peer", "cpu_s") / results.median_extra("rebuild", "cpu_s")
    # A rebuild of a long log folds in helper processes: memory is that of the whole group (PSS).
    memory = results.median("rebuild", "pss_mb") / results.median("peer", "pss_mb")
    show, as_of, page = (results.median(key) for key in ("show", "as-of", "page"))
    found = [
        line(
            "rebuild >= 2x eventsourcing (events/s)", f"{speed:.2f}x (in CPU seconds: {cpu:.2f}x)", speed >= 2
        ),
        line(
            "rebuild peak memory (PSS, helpers included) <= 2x eventsourcing's", f"{memory:.2f}x", memory <= 2
        ),
        line("`show` <= 50 ms", f"{show * 1000:.1f} ms", show <= 0.05),
        line("`show --as-of` <= 50 ms", f"{as_of * 1000:.1f} ms", as_of <= 0.05),
        line("`startups` first page <= 200 ms", f"{page * 1000:.1f} ms", page <= 0.2),
        line("embedded demo < 2 s", f"{results.median('demo'):.2f} s", results.median("demo") < 2),
    ]
    if kafka:
        from accelerator.bench.kafka import kafka_targets

        found += kafka_targets(results, line)
    return found


def _facts(history: History, runs: int, events: int, seed: int, kafka: bool) -> dict[str, str]:
    return {
        "history": (
            f"{history.events:,} events, {history.startups:,} startups, {history.challenges:,} challenges, "
            f"{history.cities} cities, {history.first_day} to {history.last_day} (seed {seed})"
        ),
        "command": f"accelerator bench --events {events} --seed {seed} --runs {runs}" + " --kafka" * kafka,
        "method": (
            f"{runs} rounds, every figure once per round in its own process (CPU from wait4, its "
            "helpers' included; peak RSS its own, VmHWM; peak PSS of it and its children sampled "
            "every 50 ms); medians; ratios are medians of same-round pairs"
        ),
    }
