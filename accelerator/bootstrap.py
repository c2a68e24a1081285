"""The composition root: builds a runtime from settings. Nothing is opened at import time."""

from __future__ import annotations

from accelerator.embedded.runtime import EmbeddedRuntime
from accelerator.runtime import Runtime
from accelerator.settings import Settings
from services.kernel import Clock, SystemClock, VirtualClock


def clock_for(settings: Settings) -> Clock:
    return VirtualClock(settings.now) if settings.now else SystemClock()


def bootstrap(
    settings: Settings | None = None, clock: Clock | None = None, read_only: bool = False
) -> Runtime:
    """The configured runtime; `read_only` for commands that only read (a store must exist)."""
    settings = settings or Settings()
    clock = clock or clock_for(settings)
    if settings.runtime == "kafka":
        from accelerator.kafka.client import KafkaRuntime

        return KafkaRuntime(settings, clock)
    return embedded(settings, clock, read_only)


def embedded(settings: Settings, clock: Clock, read_only: bool = False) -> EmbeddedRuntime:
    from datetime import timedelta

    from accelerator.embedded.files import open_engine

    retry = timedelta(hours=settings.webhook_retry_hours)
    return EmbeddedRuntime(open_engine(settings.store, read_only), clock, settings.actor, webhook_retry=retry)
