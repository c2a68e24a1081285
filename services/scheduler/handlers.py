"""Scheduler handler: load the live challenges and participations, return the due commands."""

from __future__ import annotations

from collections.abc import Iterable

from services.accelerator.domain import PARTICIPATION
from services.intake.domain import CHALLENGE
from services.kernel import Command, UnitOfWork
from services.scheduler import domain


def due_commands(uow: UnitOfWork, challenge_ids: Iterable[str], startup_ids: Iterable[str]) -> list[Command]:
    day = uow.today()
    commands: list[Command] = []
    for challenge_id in challenge_ids:
        commands += domain.call_commands(uow.load(CHALLENGE, challenge_id)[0], day)
    for startup_id in startup_ids:
        commands += domain.deadline_commands(uow.load(PARTICIPATION, startup_id)[0], day)
    return commands
