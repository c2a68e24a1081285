"""The accelerator itself: cohorts, milestones, expert sessions, hardware; grants and pilots."""

from __future__ import annotations

from typing import Annotated

import typer

from accelerator.cli.context import of
from accelerator.cli.output import fail
from accelerator.cli.programme import euros
from services.participation import commands as acc
from services.payments import commands as pay
from services.pilots import commands as pil

cohort = typer.Typer(help="Start the accelerator for a cohort.", no_args_is_help=True)
milestone = typer.Typer(help="Plan, submit, approve or send back milestones.", no_args_is_help=True)
expert = typer.Typer(help="Log expert and mentor sessions.", no_args_is_help=True)
hardware = typer.Typer(help="Lend and take back hardware and sensors.", no_args_is_help=True)
payment = typer.Typer(help="Proof-of-concept grant tranches (EUR 10,000 cap).", no_args_is_help=True)
pilot = typer.Typer(help="Pilots with a city after a delivered PoC.", no_args_is_help=True)


@cohort.command("start")
def start_cohort(
    ctx: typer.Context,
    cohort_id: str,
    starts: Annotated[str, typer.Option(help="first day, YYYY-MM-DD")],
    startup: Annotated[list[str] | None, typer.Option(help="default: every startup that accepted")] = None,
) -> None:
    """Start six months of accelerator for a cohort of startups that accepted their offer."""
    c = of(ctx)
    ids = (
        [c.startup(s) for s in startup]
        if startup
        else [v.startup_id for v in c.reader.startups(phase="accepted")]
    )
    if not ids:
        fail("startup_ids: no startup has accepted an offer and is waiting for a cohort")
    c.send(lambda: acc.StartCohort(cohort_id=cohort_id, starts_on=starts, startup_ids=tuple(ids)))


@milestone.command("plan")
def plan(
    ctx: typer.Context,
    startup: str,
    key: str,
    title: Annotated[str, typer.Option()],
    due: Annotated[str, typer.Option(help="YYYY-MM-DD")],
    tranche_percent: Annotated[int, typer.Option(help="share of the grant it releases")] = 0,
) -> None:
    """Add a milestone to a startup's plan, or change one not yet approved."""
    c = of(ctx)
    c.send(
        lambda: acc.PlanMilestone(
            startup_id=c.startup(startup),
            key=key,
            title=title,
            due_on=due,
            tranche_percent=tranche_percent,
        )
    )


@milestone.command("submit")
def submit(ctx: typer.Context, startup: str, key: str, deliverable: Annotated[str, typer.Option()]) -> None:
    """Submit a deliverable (a link or a short description) for a milestone."""
    c = of(ctx)
    c.send(lambda: acc.SubmitDeliverable(startup_id=c.startup(startup), key=key, deliverable=deliverable))


@milestone.command("approve")
def approve(ctx: typer.Context, startup: str, key: str) -> None:
    """Approve a submitted deliverable."""
    c = of(ctx)
    c.send(lambda: acc.ApproveMilestone(startup_id=c.startup(startup), key=key))


@milestone.command("send-back")
def send_back(ctx: typer.Context, startup: str, key: str, reason: Annotated[str, typer.Option()]) -> None:
    """Send a deliverable back with the reason; the startup can submit again."""
    c = of(ctx)
    c.send(lambda: acc.SendBackMilestone(startup_id=c.startup(startup), key=key, reason=reason))


def terminate(ctx: typer.Context, startup: str, reason: Annotated[str, typer.Option()]) -> None:
    """End a startup's participation early."""
    c = of(ctx)
    c.send(lambda: acc.TerminateParticipation(startup_id=c.startup(startup), reason=reason))


@expert.command("log")
def log_session(
    ctx: typer.Context,
    startup: str,
    expert_name: Annotated[str, typer.Option("--expert")],
    topic: Annotated[str, typer.Option()],
    held_on: Annotated[str, typer.Option("--on", help="YYYY-MM-DD")],
    hours: Annotated[float, typer.Option()] = 1.0,
) -> None:
    """Log an expert or mentor session."""
    c = of(ctx)
    c.send(
        lambda: acc.LogExpertSession(
            startup_id=c.startup(startup),
            expert=expert_name,
            topic=topic,
            held_on=held_on,
            hours=hours,
        )
    )


@hardware.command("lend")
def lend(ctx: typer.Context, item: str, startup: str, description: Annotated[str, typer.Option()]) -> None:
    """Lend a hardware item or sensor kit to a startup in the accelerator."""
    c = of(ctx)
    c.send(lambda: acc.LendHardware(item_id=item, startup_id=c.startup(startup), description=description))


@hardware.command("return")
def give_back(ctx: typer.Context, item: str) -> None:
    """Record that a lent item came back."""
    of(ctx).send(lambda: acc.ReturnHardware(item_id=item))


@payment.command("request")
def request(
    ctx: typer.Context,
    startup: str,
    milestone_key: Annotated[str, typer.Option("--milestone")],
    amount: Annotated[str | None, typer.Option(help="euros (default: the grant agreement's tranche)")] = None,
    iban: Annotated[
        str | None, typer.Option(help="only for a grant without agreement (default: the agreement's account)")
    ] = None,
) -> None:
    """Request a tranche for an approved milestone (refused past the EUR 10,000 cap)."""
    c = of(ctx)
    requested = euros(amount, "amount") if amount is not None else None
    c.send(
        lambda: pay.RequestPayment(
            startup_id=c.startup(startup), milestone_key=milestone_key, amount=requested, iban=iban
        )
    )


@payment.command("approve")
def approve_payment(ctx: typer.Context, payment_id: str) -> None:
    """Approve a requested tranche (not by its requester: four eyes); it is instructed at once."""
    of(ctx).send(lambda: pay.ApprovePayment(payment_id=payment_id))


@payment.command("reject")
def reject_payment(ctx: typer.Context, payment_id: str, reason: Annotated[str, typer.Option()]) -> None:
    """Reject a requested or approved tranche."""
    of(ctx).send(lambda: pay.RejectPayment(payment_id=payment_id, reason=reason))


@payment.command("disbursed")
def disbursed(ctx: typer.Context, payment_id: str, reference: Annotated[str, typer.Option()] = "") -> None:
    """Finance reports the transfer done."""
    of(ctx).send(lambda: pay.RecordDisbursement(payment_id=payment_id, bank_reference=reference))


@payment.command("failed")
def failed(ctx: typer.Context, payment_id: str, reason: Annotated[str, typer.Option()]) -> None:
    """Finance reports the transfer failed."""
    of(ctx).send(lambda: pay.RecordPaymentFailure(payment_id=payment_id, reason=reason))


@payment.command("retry")
def retry(ctx: typer.Context, payment_id: str) -> None:
    """Instruct a failed transfer again."""
    of(ctx).send(lambda: pay.RetryPayment(payment_id=payment_id))


@pilot.command("propose")
def propose(
    ctx: typer.Context,
    startup: str,
    city: Annotated[str, typer.Option(help="the city hosting the pilot")],
    title: Annotated[str, typer.Option()],
) -> None:
    """Propose a pilot (after the PoC milestone is approved)."""
    c = of(ctx)
    c.send(lambda: pil.ProposePilot(startup_id=c.startup(startup), pilot_city=city, title=title))


@pilot.command("approve")
def approve_pilot(ctx: typer.Context, startup: str) -> None:
    """Approve a proposed pilot."""
    c = of(ctx)
    c.send(lambda: pil.ApprovePilot(startup_id=c.startup(startup)))


@pilot.command("start")
def start_pilot(ctx: typer.Context, startup: str) -> None:
    """Start an approved pilot."""
    c = of(ctx)
    c.send(lambda: pil.StartPilot(startup_id=c.startup(startup)))


@pilot.command("complete")
def complete_pilot(
    ctx: typer.Context,
    startup: str,
    evaluation: Annotated[str, typer.Option()],
    rating: Annotated[int, typer.Option(help="1 to 5")],
) -> None:
    """Complete a running pilot with its evaluation."""
    c = of(ctx)
    c.send(lambda: pil.CompletePilot(startup_id=c.startup(startup), evaluation=evaluation, rating=rating))


@pilot.command("cancel")
def cancel_pilot(ctx: typer.Context, startup: str, reason: Annotated[str, typer.Option()]) -> None:
    """Cancel a pilot before it completes."""
    c = of(ctx)
    c.send(lambda: pil.CancelPilot(startup_id=c.startup(startup), reason=reason))
