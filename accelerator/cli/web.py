"""The web app from the command line: `serve`, and the API tokens it accepts."""

from __future__ import annotations

from typing import Annotated

import typer

from accelerator.cli.context import of
from accelerator.cli.output import console, fail, guarded, row, say, table
from accelerator.web.tokens import TokenStore

tokens = typer.Typer(
    help="API tokens for the web app and the HTTP API: created (shown once), listed, revoked.",
    no_args_is_help=True,
)
BASE = "http://127.0.0.1:8000"


def store(ctx: typer.Context) -> TokenStore:
    from accelerator.web.tokens import engine_for

    return TokenStore(guarded(lambda: engine_for(of(ctx).settings)))


@tokens.command("create")
def create(
    ctx: typer.Context,
    role: Annotated[
        str, typer.Option(help="manager, finance, reviewer, city:<city id> or startup:<startup id>")
    ],
    holder: Annotated[
        str, typer.Option(help="who holds it: the actor of its commands (a reviewer: their name as assigned)")
    ],
    link: Annotated[bool, typer.Option(help="also print a one-time login link for the dashboard")] = False,
    url: Annotated[str, typer.Option(help="where the web app is served (for the link)")] = BASE,
) -> None:
    """Create a token; it is shown once and stored only as a SHA-256 digest."""
    from accelerator.web.roles import Role

    tokens_ = store(ctx)
    try:
        issued = tokens_.create(Role.parse(role), holder)
    except ValueError as error:
        fail(str(error))
    say(
        ("token", "bold"),
        f" {issued.principal.token_id} for {issued.principal.holder} ({issued.principal.role})",
    )
    say(issued.token)
    say(("shown once: keep it in a password manager; send it as Authorization: Bearer <token>", "dim"))
    if link:
        code = tokens_.login_link(issued.principal.token_id)
        say(f"log in once with: {url}/login/link/{code}  (15 minutes)")


@tokens.command("list")
def list_(ctx: typer.Context) -> None:
    """Every token: id, role, holder, when created and revoked (never the token itself)."""
    grid = table("id", "role", "holder", "created", "revoked", title="API tokens")
    for t in store(ctx).list():
        revoked = f"{t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else ""
        row(grid, t.token_id, t.role, t.holder, f"{t.created_at:%Y-%m-%d %H:%M}", revoked)
    console.print(grid)


@tokens.command("revoke")
def revoke(ctx: typer.Context, token_id: str) -> None:
    """Revoke a token for good: the next request with it (or a browser session of it) gets 401."""
    try:
        revoked = store(ctx).revoke(token_id)
    except LookupError as error:
        fail(str(error))
    say(("revoked", "yellow"), f" {revoked.token_id} ({revoked.role}, {revoked.holder})")


@tokens.command("link")
def link_(
    ctx: typer.Context,
    token_id: str,
    url: Annotated[str, typer.Option(help="where the app is served")] = BASE,
) -> None:
    """A one-time login link for a token's holder (valid 15 minutes, used once)."""
    try:
        code = store(ctx).login_link(token_id)
    except LookupError as error:
        fail(str(error))
    say(f"{url}/login/link/{code}")


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="the address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="the port to listen on")] = 8000,
    demo: Annotated[bool, typer.Option(help="on a fresh store, play the demo programme first")] = False,
) -> None:
    """Serve the programme office (dashboard, HTTP API at /api/v1, docs at /docs) until Ctrl-C."""
    from accelerator.web.server import serve as run

    guarded(lambda: run(of(ctx).settings, host, port, demo, lambda line: say(line)))
