"""Challenges, applications, selection and offers."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

import typer

from accelerator import amounts
from accelerator.cli import framing
from accelerator.cli.context import of
from accelerator.cli.output import console, fail, row, table
from services.intake import commands as intake
from services.selection import commands as sel

WHOLE_NUMBER = re.compile(r"^-?[0-9]{1,9}$")
"""ASCII digits only: `isdigit` also takes ² and other digits `int` cannot read."""

challenge = typer.Typer(help="Publish challenges and open or close their calls.", no_args_is_help=True)
review = typer.Typer(help="Assign reviewers, declare conflicts, score, decide.", no_args_is_help=True)
offer = typer.Typer(help="A selected startup accepts or declines its offer.", no_args_is_help=True)


@challenge.command("open")
def open_(ctx: typer.Context, challenge_id: str) -> None:
    """Open a challenge's call now (within its window)."""
    of(ctx).send(lambda: intake.OpenCall(challenge_id=challenge_id))


@challenge.command("close")
def close(ctx: typer.Context, challenge_id: str) -> None:
    """Close a challenge's call now."""
    of(ctx).send(lambda: intake.CloseCall(challenge_id=challenge_id))


@challenge.command("list")
def list_(ctx: typer.Context) -> None:
    """Every challenge with its city, domain, window and call status."""
    grid = table("challenge", "city", "domain", "window", "call", "title", title="Challenges")
    for c in of(ctx).reader.challenges():
        row(grid, c.challenge_id, c.city_id, c.domain, f"{c.opens_on} to {c.closes_on}", c.status, c.title)
    console.print(grid)


def euros(raw: str, field: str) -> Decimal:
    """An amount as a Belgian (or anyone) types it, or a one-line error naming the field."""
    try:
        return amounts.euros(raw)
    except amounts.NotAnAmount as error:
        fail(f"{field}: {error}")


def apply(
    ctx: typer.Context,
    challenge_id: Annotated[str, typer.Option("--challenge", help="the challenge applied to")],
    company: Annotated[str, typer.Option(help="the public name: company, institution or team")],
    contact_name: Annotated[str, typer.Option(help="the contact person (a team's lead)")],
    contact_email: Annotated[str, typer.Option()],
    proposal: Annotated[str, typer.Option()],
    budget: Annotated[str, typer.Option(help="requested PoC budget in euros, at most 10,000")],
    enterprise_number: Annotated[
        str,
        typer.Option(
            help="the number in the applicant's register: BE 0403.170.701, NL KvK, FR SIREN/SIRET, "
            "GB company number, or an EU VAT number (NL814553321B01); none for citizens"
        ),
    ] = "",
    kind: Annotated[
        str, typer.Option(help="company, self-employed, knowledge-institution or citizens")
    ] = "company",
    country: Annotated[
        str | None, typer.Option(help="BE, NL, FR, GB, ... (default: BE, or the VAT number's prefix)")
    ] = None,
    member: Annotated[
        list[str] | None, typer.Option("--member", help="a team member: 'Name <e-mail>' (repeat)")
    ] = None,
    invitation: Annotated[
        str | None, typer.Option(help="the invited idea this application answers (after the call)")
    ] = None,
    contact_phone: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Submit an application to an open challenge: a company, self-employed person, knowledge
    institution, or citizens (a team's lead, with --member for the others)."""
    amount = euros(budget, "requested_budget")
    members = framing.members(member)
    contact = {"name": contact_name, "email": contact_email, "phone": contact_phone}
    # Validated as part of the application, so that an error names `contact.name`, not `name`.
    of(ctx).send(
        lambda: intake.SubmitApplication.model_validate(
            {
                "challenge_id": challenge_id,
                "company_name": company,
                "enterprise_number": enterprise_number,
                "contact": contact,
                "proposal": proposal,
                "requested_budget": amount,
                "kind": kind,
                "country": country.upper() if country else None,
                "members": members,
                "invitation": invitation,
            }
        )
    )


def withdraw(ctx: typer.Context, startup: str, reason: Annotated[str, typer.Option()]) -> None:
    """Withdraw an application (before the offer is accepted)."""
    c = of(ctx)
    c.send(lambda: intake.WithdrawApplication(startup_id=c.startup(startup), reason=reason))


@review.command("assign")
def assign(ctx: typer.Context, startup: str, reviewer: str) -> None:
    """Assign a reviewer to an application."""
    c = of(ctx)
    c.send(lambda: sel.AssignReviewer(startup_id=c.startup(startup), reviewer=reviewer))


@review.command("conflict")
def conflict(ctx: typer.Context, startup: str, reviewer: str, reason: Annotated[str, typer.Option()]) -> None:
    """Record a reviewer's conflict of interest: their score (if any) no longer counts."""
    c = of(ctx)
    c.send(
        lambda: sel.DeclareConflictOfInterest(startup_id=c.startup(startup), reviewer=reviewer, reason=reason)
    )


@review.command("score")
def score(
    ctx: typer.Context,
    startup: str,
    reviewer: str,
    criterion: Annotated[list[str], typer.Option("--score", help="criterion=value, e.g. impact=8")],
) -> None:
    """Score an application on every weighted criterion (impact, innovation, feasibility, team)."""
    scores: dict[str, int] = {}
    for item in criterion:
        name, _, value = item.partition("=")
        if not WHOLE_NUMBER.match(value.strip()):
            fail(f"scores.{name.strip()}: must be a whole number, written criterion=value (got {item!r})")
        scores[name.strip()] = int(value)
    c = of(ctx)
    c.send(lambda: sel.ScoreApplication(startup_id=c.startup(startup), reviewer=reviewer, scores=scores))


@review.command("decide")
def decide(
    ctx: typer.Context,
    startup: str,
    decision: Annotated[str, typer.Argument(help="selected, waitlisted or rejected")],
    note: Annotated[str, typer.Option()] = "",
) -> None:
    """Decide on an application."""
    c = of(ctx)
    c.send(lambda: sel.DecideApplication(startup_id=c.startup(startup), decision=decision, note=note))


@offer.command("accept")
def accept(ctx: typer.Context, startup: str) -> None:
    """The startup accepts its offer to join the accelerator."""
    c = of(ctx)
    c.send(lambda: sel.AcceptOffer(startup_id=c.startup(startup)))


@offer.command("decline")
def decline(ctx: typer.Context, startup: str, reason: Annotated[str, typer.Option()]) -> None:
    """The startup declines its offer."""
    c = of(ctx)
    c.send(lambda: sel.DeclineOffer(startup_id=c.startup(startup), reason=reason))
