"""Partners on a secured broker: each city and finance as a principal of its own, with exactly
its ACLs (accelerator/kafka/access.py); the workers' principals (`principals provision`)."""

from __future__ import annotations

from typing import Annotated

import typer

from accelerator.cli.context import of
from accelerator.cli.output import console, fail, guarded, row, say, table
from accelerator.settings import Settings
from events.base import Slug

principals = typer.Typer(help="Every principal on the broker and its ACLs.", no_args_is_help=True)


def _secured(settings: Settings) -> Settings:
    from accelerator.kafka.principals import secured

    settings = settings.model_copy(update={"runtime": "kafka"})
    if not guarded(lambda: secured(settings)):
        fail("kafka: the broker takes no credentials (PLAINTEXT): start a secured one (deploy/kafka.sh)")
    return settings


def _added(settings: Settings, role: str, rotate: bool, what: str) -> None:
    from accelerator.kafka.access import grants
    from accelerator.kafka.auth import identity
    from accelerator.kafka.principals import add_partner, exists
    from accelerator.kafka.topics import Names

    if guarded(lambda: exists(settings, role)) and not rotate:
        fail(f"{role}: has a principal already (--rotate-password gives it a new password)")
    user, password = guarded(lambda: add_partner(settings, role))
    say(("✔", "green"), f" {what}: principal {user}")
    for grant in grants(Names(settings.topic_prefix), role):
        say("  ", str(grant))
    say("credentials (shown once; the broker keeps only a salted hash):")
    say(f"  bootstrap.servers={settings.kafka_bootstrap_servers}")
    protocol = identity(settings, "admin").protocol
    say(f"  security.protocol={protocol}  sasl.mechanism={settings.kafka_sasl_mechanism}")
    say(f"  username={user}")
    say(f"  password={password}")


def add_city(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="the partner city (its topic: accelerator.city.NAME)")],
    rotate_password: Annotated[bool, typer.Option(help="a new password for a city added before")] = False,
) -> None:
    """A partner city on the broker: its topic, its principal (password printed once), its ACLs:
    it reads its own topic only, with consumer groups named city.NAME.*"""
    settings = _secured(of(ctx).settings)
    city: Slug = guarded(lambda: _slug(name))
    _added(settings, f"city-{city}", rotate_password, f"city {city}")


def _slug(name: str) -> str:
    from pydantic import TypeAdapter

    return TypeAdapter(Slug).validate_python(name)


def remove_city(ctx: typer.Context, name: str) -> None:
    """Revoke a city's access: its ACLs and its principal go; its topic and data stay."""
    from accelerator.kafka.principals import remove_partner

    settings = _secured(of(ctx).settings)
    count = guarded(lambda: remove_partner(settings, f"city-{name}"))
    say(("✔", "green"), f" city {name}: principal and {count} ACLs revoked (its topic stays)")


def list_partners(ctx: typer.Context) -> None:
    """Every city: its topic, its principal, its ACLs."""
    from accelerator.kafka.inventory import partners

    settings = _secured(of(ctx).settings)
    grid = table("city", "topic", "principal", "ACLs", title="Partner cities")
    for city, topic, principal, acls in guarded(lambda: partners(settings)):
        row(grid, city, topic or "-", principal or "-", "; ".join(acls) or "-")
    console.print(grid)


def add_finance(
    ctx: typer.Context,
    rotate_password: Annotated[bool, typer.Option(help="a new password for the finance principal")] = False,
) -> None:
    """Finance's principal: reads the finance topic, writes its answers to payments' commands."""
    _added(_secured(of(ctx).settings), "finance", rotate_password, "finance")


def remove_finance(ctx: typer.Context) -> None:
    """Revoke finance's access (its ACLs and principal)."""
    from accelerator.kafka.principals import remove_partner

    settings = _secured(of(ctx).settings)
    count = guarded(lambda: remove_partner(settings, "finance"))
    say(("✔", "green"), f" finance: principal and {count} ACLs revoked")


@principals.command("provision")
def provision(
    ctx: typer.Context,
    rotate: Annotated[bool, typer.Option(help="new passwords for every worker")] = False,
) -> None:
    """Each worker's and the client's principal and ACLs; passwords kept in the credentials
    file (mode 600). Idempotent; `accelerator topics create` does it too."""
    from accelerator.kafka.principals import provision as run

    settings = _secured(of(ctx).settings)
    result = guarded(lambda: run(settings, rotate=rotate))
    say(
        f"{len(result.principals)} principals; {result.added} ACLs added, {result.removed} removed; "
        f"passwords in {result.credentials}"
    )


@principals.command("list")
def list_principals(ctx: typer.Context) -> None:
    """Every principal the broker knows, with its ACLs."""
    from accelerator.kafka.inventory import everyone

    settings = _secured(of(ctx).settings)
    grid = table("principal", "ACLs", title="Principals")
    for principal, acls in guarded(lambda: everyone(settings)):
        row(grid, principal, "; ".join(acls) or "-")
    console.print(grid)
