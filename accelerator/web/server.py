"""`accelerator serve`: the web app on uvicorn, against the configured runtime.

With `--demo` on a fresh store it first plays the demo programme (on its virtual clock),
then serves it on a clock that carries on from the demo's last day, so what the dashboard
calls today is the programme's today. A newcomer gets a programme manager's token (once)
and a one-time login link to open.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from accelerator.bootstrap import bootstrap, clock_for
from accelerator.runtime import Runtime
from accelerator.settings import Settings
from accelerator.web.roles import Kind, Role
from accelerator.web.tokens import TokenStore, engine_for
from services.kernel import PROGRAMME_TZ, Clock

DEMO_STORE = Path(".accelerator") / "demo.db"
DEMO_HOLDER = "Demo programme manager"
LINK = re.compile(r"(/login/link/)[^ ?\"]+")
Say = Callable[[str], None]


class CarryOnClock:
    """A clock that starts at a given moment and then runs like the real one."""

    def __init__(self, start: datetime) -> None:
        self.start, self.started = start, time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.started)


class HideLoginLinks(logging.Filter):
    """Access logs never show a one-time login code."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(LINK.sub(r"\1…", a) if isinstance(a, str) else a for a in record.args)
        return True


def demo_settings(settings: Settings) -> Settings:
    """The demo keeps its own store unless one was named (--store, ACCELERATOR_STORE)."""
    if settings.runtime == "embedded" and "store" not in settings.model_fields_set:
        return settings.model_copy(update={"store": DEMO_STORE})
    return settings


def play_demo(settings: Settings, say: Say) -> Clock:
    """Play the demo into a fresh store; the clock to serve it with (or the usual one)."""
    from accelerator.demo import END, START, run_demo
    from services.kernel import VirtualClock

    probe = bootstrap(settings)
    try:
        history = probe.history()
    finally:
        probe.close()
    if history:
        say("the store already holds a programme: serving it as it is (the demo plays on a fresh store)")
        last = max(ce.time for ce in history)
        return CarryOnClock(last) if last > clock_for(settings).now() else clock_for(settings)
    say("playing the demo programme (Brugge and Mechelen, six months) ...")
    clock = VirtualClock(datetime.combine(START, datetime.min.time().replace(hour=9), PROGRAMME_TZ))
    runtime = bootstrap(settings, clock)
    try:
        run_demo(runtime, clock, say=lambda _line: None)
    finally:
        runtime.close()
    return CarryOnClock(datetime.combine(END, datetime.min.time().replace(hour=17), PROGRAMME_TZ))


def demo_login(tokens: TokenStore, base: str, say: Say) -> None:
    """A programme manager's token (created once, shown once) and a fresh one-time link."""
    known = next((t for t in tokens.list() if t.holder == DEMO_HOLDER and t.revoked_at is None), None)
    if known is None:
        issued = tokens.create(Role(Kind.MANAGER), DEMO_HOLDER)
        token_id = issued.principal.token_id
        say(f"programme manager's API token (shown once): {issued.token}")
    else:
        token_id = known.token_id
    say(f"log in once with: {base}/login/link/{tokens.login_link(token_id)}  (valid 15 minutes)")


def serve(settings: Settings, host: str, port: int, demo: bool, say: Say) -> None:
    import uvicorn

    from accelerator.web.app import create_app

    if demo:
        settings = demo_settings(settings)
    clock = play_demo(settings, say) if demo else clock_for(settings)
    runtime: Runtime = bootstrap(settings, clock)
    tokens = TokenStore(engine_for(settings))
    base = f"http://{host}:{port}"
    if demo:
        demo_login(tokens, base, say)
    elif not tokens.list():
        say("no API token yet: accelerator tokens create --role manager --holder 'Your Name' --link")
    config = uvicorn.Config(create_app(runtime, tokens), host=host, port=port, timeout_graceful_shutdown=3)
    logging.getLogger("uvicorn.access").addFilter(HideLoginLinks())
    say(f"serving the programme office on {base} (Ctrl-C stops)")
    try:
        uvicorn.Server(config).run()
    finally:
        runtime.close()
