"""The chaos run's driver asks a command again while the runtime is away, but not for ever."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import pytest

from accelerator.chaos import driver
from accelerator.chaos.driver import Driver, Unanswered
from accelerator.kafka.client import NoReply
from services.intake import commands as intake
from services.kernel import VirtualClock
from tests import builders as b
from tests.fakes import at


class Away:
    """A runtime whose broker is away for the first `failures` attempts (or for ever)."""

    def __init__(self, failures: float) -> None:
        self.failures = failures
        self.ids: list[str | None] = []

    def handle(self, command: Any, actor: str | None = None, command_id: str | None = None) -> None:
        self.ids.append(command_id)
        if len(self.ids) <= self.failures:
            raise NoReply("kafka: no word from the broker")


def publish() -> intake.PublishChallenge:
    return intake.PublishChallenge(**b.published().model_dump())


def test_a_command_is_asked_again_under_the_same_id_until_answered() -> None:
    runtime = Away(failures=3)
    chaos = Driver(runtime, VirtualClock(at(date(2027, 1, 4))), until=time.monotonic())  # type: ignore[arg-type]
    assert chaos.do(publish())
    assert len(runtime.ids) == 4 and len(set(runtime.ids)) == 1
    assert chaos.sent.resent == 3
    assert list(chaos.sent.answered.values()) == [True]


def test_a_command_never_answered_ends_the_run_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(driver, "ANSWER_SECONDS", 0.05)
    runtime = Away(failures=float("inf"))
    chaos = Driver(runtime, VirtualClock(at(date(2027, 1, 4))), until=time.monotonic())  # type: ignore[arg-type]
    with pytest.raises(Unanswered) as unanswered:
        chaos.do(publish())
    assert str(unanswered.value) == (
        "chaos: PublishChallenge still unanswered after 0.05 s: kafka: no word from the broker"
    )
    assert len(runtime.ids) >= 2 and chaos.sent.answered == {}
