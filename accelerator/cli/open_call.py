"""The open side of a call: questions answered in public, and the crowdsourcing track's ideas."""

from __future__ import annotations

from typing import Annotated

import typer

from accelerator.cli import framing
from accelerator.cli.context import of
from events.applications import Contact
from services.intake import open_commands as open_call

question = typer.Typer(
    help="Questions about a challenge, answered to all its applicants.", no_args_is_help=True
)
idea = typer.Typer(help="The crowdsourcing track: ideas, shortlisted and invited.", no_args_is_help=True)


@question.command("ask")
def ask(
    ctx: typer.Context,
    challenge_id: str,
    text: Annotated[str, typer.Option("--question", help="the question")],
    name: Annotated[str | None, typer.Option(help="who asks (kept private)")] = None,
    email: Annotated[str | None, typer.Option(help="where to reach them (kept private)")] = None,
) -> None:
    """Ask a question about a challenge while its call runs."""
    of(ctx).send(
        lambda: open_call.AskQuestion(
            challenge_id=challenge_id,
            question=text,
            asked_by=Contact(name=name, email=email) if name and email else None,
        )
    )


@question.command("answer")
def answer(
    ctx: typer.Context,
    challenge_id: str,
    text: Annotated[str, typer.Option("--answer", help="the answer, published to all applicants")],
    question_id: Annotated[str | None, typer.Option(help="the question answered, e.g. q-1")] = None,
    restated: Annotated[
        str | None, typer.Option("--question", help="the question as published (default: as asked)")
    ] = None,
) -> None:
    """Publish an answer to every applicant of the challenge (and its city's feed)."""
    of(ctx).send(
        lambda: open_call.PublishAnswer(
            challenge_id=challenge_id, question_id=question_id, question=restated, answer=text
        )
    )


@idea.command("submit")
def submit(
    ctx: typer.Context,
    challenge_id: str,
    title: Annotated[str, typer.Option()],
    summary: Annotated[str, typer.Option(help="the idea in at most 1,000 characters")],
    author: Annotated[str, typer.Option(help="the public name of the author or team")],
    country: Annotated[str, typer.Option(help="BE, NL, FR, GB, ...")],
    contact_name: Annotated[str, typer.Option(help="the author, or the team's lead (kept private)")],
    contact_email: Annotated[str, typer.Option()],
    kind: Annotated[str, typer.Option(help="citizens, company, self-employed, knowledge-institution")] = (
        "citizens"
    ),
    member: Annotated[
        list[str] | None, typer.Option("--member", help="a team member: 'Name <e-mail>' (repeat)")
    ] = None,
) -> None:
    """Submit a short idea to a challenge that collects ideas (no grant)."""
    members = framing.members(member)
    of(ctx).send(
        lambda: open_call.SubmitIdea.model_validate(
            dict(
                challenge_id=challenge_id,
                title=title,
                summary=summary,
                author_name=author,
                kind=kind,
                country=country.upper(),
                contact=Contact(name=contact_name, email=contact_email),
                members=members,
            )
        )
    )


@idea.command("shortlist")
def shortlist(
    ctx: typer.Context, challenge_id: str, idea_id: str, note: Annotated[str, typer.Option()] = ""
) -> None:
    """Shortlist a submitted idea."""
    of(ctx).send(lambda: open_call.ShortlistIdea(challenge_id=challenge_id, idea_id=idea_id, note=note))


@idea.command("invite")
def invite(
    ctx: typer.Context,
    challenge_id: str,
    idea_id: str,
    apply_by: Annotated[str, typer.Option(help="last day to apply, YYYY-MM-DD")],
) -> None:
    """Invite a shortlisted idea into the accelerator track: its author may apply (with
    `accelerator apply --invitation IDEA`) until that day, even after the call closed."""
    of(ctx).send(lambda: open_call.InviteIdea(challenge_id=challenge_id, idea_id=idea_id, apply_by=apply_by))
