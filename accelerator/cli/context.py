"""The state every CLI command shares: settings, and a runtime built on first use."""

from __future__ import annotations

from collections.abc import Callable

import typer

from accelerator.bootstrap import bootstrap
from accelerator.cli.output import guarded, report
from accelerator.embedded import queries
from accelerator.runtime import Runtime
from accelerator.settings import Settings
from services.kernel import Command


class Context:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._runtime: Runtime | None = None

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            self._runtime = guarded(lambda: bootstrap(self.settings))
        return self._runtime

    def startup(self, ref: str) -> str:
        return guarded(lambda: queries.resolve(self.runtime, ref))

    def send(self, build: Callable[[], Command]) -> None:
        """Build the command (validating its fields), run it, report its events or refusal."""
        events = guarded(lambda: self.runtime.handle(build()))
        report(events, self.runtime.followed_by)


def of(ctx: typer.Context) -> Context:
    obj = ctx.find_root().obj
    assert isinstance(obj, Context)
    return obj
