"""A partner city's webhooks: subscribe, rotate, pause, resume, replay, end; see the queues;
run the dispatcher (embedded runtime; on Kafka it is the `deliveries` worker)."""

from __future__ import annotations

import secrets as random
from datetime import datetime, timedelta
from typing import Annotated

import typer
from sqlalchemy import Engine

from accelerator.cli.context import Context, of
from accelerator.cli.output import console, fail, guarded, row, say, table
from accelerator.webhooks import guard, secrets, status
from events.base import Slug
from services.subscriptions import commands as subs
from services.subscriptions.domain import Status

WHICH = typer.Option("--subscription", help="which one (needed when the city has more than one)")


def subscribe(
    ctx: typer.Context,
    city: Annotated[str, typer.Argument(help="the partner city")],
    url: Annotated[str, typer.Option(help="the city's https endpoint")],
    types: Annotated[
        list[str] | None, typer.Option("--type", help="only these event types or families (repeatable)")
    ] = None,
    since: Annotated[
        datetime | None, typer.Option(help="deliver events from this moment (default: now)")
    ] = None,
) -> None:
    """Register a city's HTTPS endpoint: its events are POSTed there, signed. The secret is
    printed once: give it to the city, it verifies each delivery with it."""
    c = of(ctx)
    guarded(lambda: guard.target(url, c.settings.webhook_allow_loopback))  # refused now, not at delivery
    secret = secrets.generate()
    sealed = guarded(lambda: secrets.seal(secret, secrets.key(c.settings, create=True)))
    subscription_id = f"sub-{random.token_hex(5)}"
    start = (
        since if since and since.tzinfo else since.astimezone() if since else None
    ) or c.runtime.clock.now()
    c.send(
        lambda: subs.Subscribe(
            subscription_id=subscription_id,
            partner=city,
            url=url,
            types=tuple(types or ()),
            secret=sealed,
            since=start,
        )
    )
    _show_secret(subscription_id, secret)


def _show_secret(subscription_id: str, secret: str) -> None:
    say("subscription ", (subscription_id, "bold"))
    say("signing secret (shown once; Standard Webhooks, verify webhook-signature with it): ", secret)


def rotate_secret(ctx: typer.Context, city: str, subscription: Annotated[str | None, WHICH] = None) -> None:
    """A new signing secret (printed once); the old one stays valid for webhook_rotation_hours:
    each delivery is signed with both until then."""
    c = of(ctx)
    chosen = _one(c, city, subscription)
    secret = secrets.generate()
    sealed = guarded(lambda: secrets.seal(secret, secrets.key(c.settings)))
    until = c.runtime.clock.now() + timedelta(hours=c.settings.webhook_rotation_hours)
    c.send(lambda: subs.RotateSecret(subscription_id=chosen, secret=sealed, previous_valid_until=until))
    _show_secret(chosen, secret)


def pause(
    ctx: typer.Context,
    city: str,
    reason: Annotated[str, typer.Option(help="why (on the record)")],
    subscription: Annotated[str | None, WHICH] = None,
) -> None:
    """Hold a subscription's deliveries (they queue up; nothing is lost)."""
    c = of(ctx)
    chosen = _one(c, city, subscription)
    c.send(lambda: subs.PauseSubscription(subscription_id=chosen, reason=reason))


def resume(ctx: typer.Context, city: str, subscription: Annotated[str | None, WHICH] = None) -> None:
    """Deliver again what queued up while paused (the retry window starts again)."""
    c = of(ctx)
    chosen = _one(c, city, subscription)
    c.send(lambda: subs.ResumeSubscription(subscription_id=chosen))


def unsubscribe(
    ctx: typer.Context,
    city: str,
    reason: Annotated[str, typer.Option(help="why (on the record)")],
    subscription: Annotated[str | None, WHICH] = None,
) -> None:
    """End a subscription: nothing more is delivered; what was pending is cancelled."""
    c = of(ctx)
    chosen = _one(c, city, subscription)
    c.send(lambda: subs.EndSubscription(subscription_id=chosen, reason=reason))


def replay(
    ctx: typer.Context,
    city: str,
    from_position: Annotated[int | None, typer.Option("--from", help="from this feed position on")] = None,
    since: Annotated[datetime | None, typer.Option(help="every event from this moment on")] = None,
    parked: Annotated[bool, typer.Option("--parked", help="what was parked after its retries")] = False,
    subscription: Annotated[str | None, WHICH] = None,
) -> None:
    """Deliver again (same webhook-id: the event id) from a position, a moment, or the parked ones."""
    c = of(ctx)
    chosen = _one(c, city, subscription)
    moment = since if since is None or since.tzinfo else since.astimezone()
    command = lambda: subs.ReplaySubscription(  # noqa: E731
        subscription_id=chosen, from_position=from_position, since=moment, parked=parked
    )
    c.send(command)


def deliveries(ctx: typer.Context, city: str) -> None:
    """Each subscription of the city: status, endpoint host, delivered / pending / parked, the
    last error and the next attempt; then what is parked (the dead letters)."""
    c = of(ctx)
    found = guarded(lambda: status.subscriptions(c.reader, city))
    if not found:
        say(f"{city} has no webhook subscription (accelerator cities subscribe {city} --url ...)")
        return
    queues = {q.subscription_id: q for q in guarded(lambda: status.queues(engine(c), city))}
    grid = table(
        "subscription",
        "status",
        "endpoint",
        "types",
        "delivered",
        "pending",
        "parked",
        "next attempt",
        "last error",
        title=f"Webhooks of {city}",
    )
    for subscription_id, sub in found.items():
        queue = queues.get(subscription_id, status.Queue(subscription_id))
        row(
            grid,
            subscription_id,
            sub.status,
            _host(sub.url),
            ", ".join(sub.types) or "all",
            queue.counts["delivered"],
            queue.counts["pending"],
            queue.counts["parked"],
            f"{queue.next_attempt:%Y-%m-%d %H:%M:%S} UTC" if queue.next_attempt else "-",
            queue.last_error or "-",
        )
    console.print(grid)
    for queue in queues.values():
        for parked in queue.parked:
            say(
                ("parked", "red"),
                f" {queue.subscription_id} position {parked.position} {parked.event_type} "
                f"{parked.subject} after {parked.attempts} attempts: {parked.last_error}",
            )


def _host(url: str) -> str:
    return url.split("/")[2] if "//" in url else url


def deliver(ctx: typer.Context) -> None:
    """Run the webhook dispatcher until Ctrl-C (embedded runtime; on Kafka: the deliveries worker)."""
    from accelerator.embedded.runtime import EmbeddedRuntime
    from accelerator.kafka.workers import Stop
    from accelerator.webhooks.dispatcher import Dispatcher
    from services.subscriptions.commands import EndSubscription

    c = of(ctx)
    runtime = c.runtime
    if not isinstance(runtime, EmbeddedRuntime):
        fail("runtime: on Kafka the deliveries worker sends them (accelerator up)")

    def gone(subscription_id: str) -> None:
        ended = EndSubscription(subscription_id=subscription_id, reason="the receiver answered 410 Gone")
        runtime.handle(ended, "system:deliveries", f"{subscription_id}/gone")

    stop = Stop()
    dispatcher = guarded(lambda: Dispatcher(runtime.engine, c.settings, gone))
    say("delivering webhooks; Ctrl-C stops")
    try:
        dispatcher.run(lambda: _caught_up(runtime) and stop.keep_going())
    finally:
        dispatcher.close()


def _caught_up(runtime: object) -> bool:
    """Between looks, the consumers catch up with what other processes recorded."""
    runtime.catch_up()  # type: ignore[attr-defined]
    return True


def engine(c: Context) -> Engine:
    from accelerator.embedded.runtime import EmbeddedRuntime

    if c.settings.runtime == "kafka":
        from accelerator.kafka.deliveries import webhook_engine

        return webhook_engine(c.settings)
    reader = c.reader
    assert isinstance(reader, EmbeddedRuntime)
    return reader.engine


def _one(c: Context, city: Slug, chosen: str | None) -> str:
    """The subscription meant: the one named, or the city's only live one."""
    found = guarded(lambda: status.subscriptions(c.reader, city))
    live = [k for k, s in found.items() if s.status is not Status.ENDED]
    if chosen is not None:
        if chosen not in found:
            fail(f"subscription: {city} has no subscription {chosen}")
        return chosen
    if len(live) != 1:
        fail(f"subscription: {city} has {len(live) or 'no'} live subscriptions; name one with --subscription")
    return live[0]
