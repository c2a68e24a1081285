"""Challenges framed in public: publish, amend, show, and export for the public pages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from accelerator.bootstrap import clock_for
from accelerator.cli import framing as f
from accelerator.cli.context import of
from accelerator.cli.output import console, fail, row, say, table, write
from accelerator.cli.programme import challenge
from services.intake import commands as intake
from services.projector import dcat
from services.projector.challenges import ChallengeView
from services.projector.public import as_json, public_challenges
from services.rules import RULES


@challenge.command("publish")
def publish(
    ctx: typer.Context,
    challenge_id: Annotated[str, typer.Argument(help="e.g. brugge-mobility-2027")],
    city: Annotated[str, typer.Option(help="the partner city, e.g. brugge")],
    domain: Annotated[str, typer.Option(help="mobility, smart-energy, cleanliness-environment, ...")],
    title: Annotated[str, typer.Option()],
    opens: Annotated[str, typer.Option(help="first day of the call, YYYY-MM-DD")],
    closes: Annotated[str, typer.Option(help="last day of the call, YYYY-MM-DD")],
    description: Annotated[str, typer.Option()] = "",
    context: f.Context = None,
    solution_type: f.SolutionType = None,
    goal: f.Goal = None,
    budget_cap: f.BudgetCap = None,
    hardware: f.Hardware = None,
    sensor: f.Sensor = None,
    dataset: f.Dataset = None,
    expert_hours: f.ExpertHours = None,
    open_to: f.OpenTo = None,
    country: f.Country = None,
    citizens_grant: f.CitizensGrant = None,
    criterion: f.CriterionOption = None,
    timeline: f.Timeline = None,
    questions_to: f.QuestionsTo = None,
    track: Annotated[
        list[str] | None, typer.Option("--track", help="accelerator (default) and/or ideas (repeat)")
    ] = None,
) -> None:
    """Publish a challenge framed in public; the scheduler opens the call on its first day."""
    fields = f.framing(
        context=context,
        solution_types=solution_type,
        goals=goal,
        offer=f.offer(budget_cap, hardware, sensor, dataset, expert_hours),
        eligibility=f.eligibility(open_to, country, citizens_grant),
        criteria=f.criteria(criterion),
        timeline=f.timeline(timeline),
        questions_to=questions_to,
        tracks=track,
    )
    of(ctx).send(
        lambda: intake.PublishChallenge.model_validate(
            dict(
                challenge_id=challenge_id,
                city_id=city,
                domain=domain,
                title=title,
                description=description,
                opens_on=opens,
                closes_on=closes,
                **fields,
            )
        )
    )


@challenge.command("amend")
def amend(
    ctx: typer.Context,
    challenge_id: str,
    note: Annotated[str, typer.Option(help="what changed, in words for applicants")],
    title: Annotated[str | None, typer.Option()] = None,
    description: Annotated[str | None, typer.Option()] = None,
    closes: Annotated[str | None, typer.Option(help="a new last day of the call, YYYY-MM-DD")] = None,
    context: f.Context = None,
    solution_type: f.SolutionType = None,
    goal: f.Goal = None,
    budget_cap: f.BudgetCap = None,
    hardware: f.Hardware = None,
    sensor: f.Sensor = None,
    dataset: f.Dataset = None,
    expert_hours: f.ExpertHours = None,
    open_to: f.OpenTo = None,
    country: f.Country = None,
    citizens_grant: f.CitizensGrant = None,
    criterion: f.CriterionOption = None,
    timeline: f.Timeline = None,
    questions_to: f.QuestionsTo = None,
) -> None:
    """Amend a published challenge before its call closes (applicants see the note). Options
    given replace that part; offer and eligibility options change only what they name."""
    c = of(ctx)
    offer = f.offer(budget_cap, hardware, sensor, dataset, expert_hours)
    eligibility = f.eligibility(open_to, country, citizens_grant)
    current = _find(c.reader.challenges(), challenge_id) if offer or eligibility else None
    fields = f.framing(
        title=title,
        description=description,
        closes_on=closes,
        context=context,
        solution_types=solution_type,
        goals=goal,
        offer=_merged(current.offer.model_dump() if current else {}, offer),
        eligibility=_merged(current.eligibility.model_dump() if current else {}, eligibility),
        criteria=f.criteria(criterion),
        timeline=f.timeline(timeline),
        questions_to=questions_to,
    )
    c.send(lambda: intake.AmendChallenge.model_validate(dict(challenge_id=challenge_id, note=note, **fields)))


def _merged(current: dict[str, Any], given: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if given is None else {**current, **given}


def _find(views: list[ChallengeView], challenge_id: str) -> ChallengeView:
    found = next((v for v in views if v.challenge_id == challenge_id), None)
    if found is None:
        fail(f"challenge_id: no challenge {challenge_id} has been published")
    return found


@challenge.command("show")
def show(ctx: typer.Context, challenge_id: str) -> None:
    """A challenge's framing, criteria, answers, amendments and ideas (the programme's view)."""
    v = _find(of(ctx).reader.challenges(), challenge_id)
    say((v.title, "bold"), f"  {v.challenge_id} ({v.city_id}, {v.domain}) — call {v.status}")
    say(f"window {v.opens_on} to {v.closes_on}; tracks: {', '.join(v.tracks)}")
    for label, text in (("description", v.description), ("context", v.context)):
        if text:
            say(f"{label}: {text}")
    for label, items in (("solutions", v.solution_types), ("goals", v.goals)):
        if items:
            say(f"{label}: {'; '.join(items)}")
    _show_offer_and_eligibility(v)
    _show_criteria(v)
    for entry in v.timeline:
        say(f"  {entry.on}  {entry.what}")
    for amendment in v.amendments:
        say(f"amended {amendment.at:%Y-%m-%d}: {amendment.note} ({', '.join(amendment.changed)})")
    say(f"questions asked: {v.questions}; answers published: {len(v.answers)}")
    for answer in v.answers:
        say(f"  Q ({answer.question_id or 'clarification'}): {answer.question}")
        say(f"  A: {answer.answer}")
    if v.ideas:
        grid = table("idea", "title", "author", "kind", "country", "status", title="Ideas")
        for idea in v.ideas.values():
            row(grid, idea.idea_id, idea.title, idea.author_name, idea.kind, idea.country, idea.status)
        console.print(grid)


def _show_offer_and_eligibility(v: ChallengeView) -> None:
    offer, who = v.offer, v.eligibility
    cap = offer.budget_cap if offer.budget_cap is not None else RULES.grant_cap
    say(f"offer: PoC grant up to EUR {cap:,.0f}; expert hours: {offer.expert_hours or '-'}")
    for label, items in (("hardware", offer.hardware), ("sensors", offer.sensors)):
        if items:
            say(f"  {label}: {', '.join(items)}")
    for data in offer.datasets:
        say(f"  dataset: {data.title} <{data.url}>")
    countries = ", ".join(who.countries) or "any country"
    grant = "with" if who.citizens_grant else "without"
    say(f"open to: {', '.join(who.kinds)} from {countries} (citizens {grant} grant)")
    if v.questions_to:
        say(f"questions to: {v.questions_to}")


def _show_criteria(v: ChallengeView) -> None:
    if not v.criteria:
        weights = ", ".join(f"{k} {w * 100:.0f} %" for k, w in RULES.criteria.items())
        say(f"criteria: the programme's defaults ({weights})")
        return
    grid = table("criterion", "weight", "title", title="Evaluation criteria")
    for criterion in v.criteria:
        row(grid, criterion.key, f"{criterion.weight_percent} %", criterion.title)
    console.print(grid)


@challenge.command("export")
def export(
    ctx: typer.Context,
    format_: Annotated[str, typer.Option("--format", help="json or dcat (DCAT-AP, JSON-LD)")] = "json",
    city: Annotated[str | None, typer.Option(help="only this city's challenges")] = None,
    base_url: Annotated[
        str | None, typer.Option(help="where the public pages are [env: ACCELERATOR_PUBLIC_URL]")
    ] = None,
    licence: Annotated[str | None, typer.Option(help="licence URI of the data (DCAT-AP dct:license)")] = None,
    output: Annotated[Path | None, typer.Option(help="write to this file instead of the screen")] = None,
) -> None:
    """The open and upcoming challenges as the public sees them (no personal data)."""
    if format_ not in ("json", "dcat"):
        fail(f"format: must be json or dcat (got {format_!r})")
    c = of(ctx)
    listed = public_challenges(c.reader.challenges(), city)
    now = clock_for(c.settings).now()
    if format_ == "json":
        text = as_json(listed, now)
    else:
        urls = dcat.Urls(base_url or c.settings.public_url)
        text = dcat.as_jsonld(dcat.catalog(listed, urls, now, licence=licence))
    if output is None:
        write(text)
        return
    output.write_text(text + "\n")
    say(f"{len(listed)} challenges written to {output}")


def register() -> None:
    """Importing this module adds its verbs to `accelerator challenge`; nothing else to do."""
