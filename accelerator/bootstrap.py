"""The composition root: builds a runtime from settings. Nothing is opened at import time."""

from __future__ import annotations

from accelerator.embedded.runtime import EmbeddedRuntime
from accelerator.embedded.store import open_engine
from accelerator.settings import Settings
from services.kernel import Clock, SystemClock, VirtualClock


def clock_for(settings: Settings) -> Clock:
    return VirtualClock(settings.now) if settings.now else SystemClock()


def bootstrap(settings: Settings | None = None, clock: Clock | None = None) -> EmbeddedRuntime:
    settings = settings or Settings()
    if settings.runtime != "embedded":
        raise NotImplementedError("runtime: only the embedded runtime is available so far")
    return EmbeddedRuntime(open_engine(settings.store), clock or clock_for(settings))
