"""The state every CLI command shares: settings, and a runtime built on first use."""

from __future__ import annotations

from collections.abc import Callable

import typer

from accelerator import queries
from accelerator.bootstrap import bootstrap
from accelerator.cli.output import guarded, report
from accelerator.runtime import Runtime
from accelerator.settings import Settings
from services.kernel import Command


class Context:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._runtime: Runtime | None = None
        self._reader: Runtime | None = None

    @property
    def runtime(self) -> Runtime:
        """The runtime, to give commands (an embedded store is created if need be)."""
        if self._runtime is None:
            self._runtime = guarded(lambda: bootstrap(self.settings))
        return self._runtime

    @property
    def reader(self) -> Runtime:
        """The runtime, only to read: a store that does not exist is an error, not a new file."""
        if self._runtime is not None:
            return self._runtime
        if self._reader is None:
            self._reader = guarded(lambda: bootstrap(self.settings, read_only=True))
        return self._reader

    def close(self) -> None:
        """As the command ends: an embedded store's connections are closed, and the last one out
        folds the write-ahead file into the store, which is one file again. Left to the
        interpreter's exit (or, in a process that runs many commands, to the garbage collector),
        that happened at no set time. A Kafka runtime is left to kafka-python, whose producer
        gives up what it still holds one second into the exit."""
        from accelerator.embedded.runtime import EmbeddedRuntime

        for runtime in (self._runtime, self._reader):
            if isinstance(runtime, EmbeddedRuntime):
                runtime.close()
        self._runtime = self._reader = None

    def startup(self, ref: str) -> str:
        return guarded(lambda: queries.resolve(self.reader, ref))

    def send(self, build: Callable[[], Command]) -> None:
        """Build the command (validating its fields), run it, report its events or refusal."""
        command = guarded(build)
        report(guarded(lambda: self.runtime.handle(command)))


def of(ctx: typer.Context) -> Context:
    obj = ctx.find_root().obj
    assert isinstance(obj, Context)
    return obj
