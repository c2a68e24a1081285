"""The composition root: builds a runtime from settings. Nothing is opened at import time."""

from __future__ import annotations

from accelerator.embedded.runtime import EmbeddedRuntime
from accelerator.runtime import Runtime
from accelerator.settings import Settings
from services.kernel import Clock, SystemClock, VirtualClock


def clock_for(settings: Settings) -> Clock:
    return VirtualClock(settings.now) if settings.now else SystemClock()


def bootstrap(settings: Settings | None = None, clock: Clock | None = None) -> Runtime:
    settings = settings or Settings()
    clock = clock or clock_for(settings)
    if settings.runtime == "kafka":
        from accelerator.kafka.client import KafkaRuntime

        return KafkaRuntime(settings, clock)
    return embedded(settings, clock)


def embedded(settings: Settings, clock: Clock) -> EmbeddedRuntime:
    from accelerator.embedded.store import open_engine

    return EmbeddedRuntime(open_engine(settings.store), clock)
