"""Pilots handlers: load the startup's pilot, decide, save."""

from __future__ import annotations

from events.base import Event
from services.accelerator.domain import PARTICIPATION
from services.kernel import UnitOfWork
from services.pilots import domain
from services.pilots.commands import (
    ApprovePilot,
    CancelPilot,
    CompletePilot,
    ProposePilot,
    StartPilot,
)
from services.pilots.domain import PILOT
from services.rules import RULES


def propose_pilot(cmd: ProposePilot, uow: UnitOfWork) -> list[Event]:
    participation, _ = uow.load(PARTICIPATION, cmd.startup_id)
    pilot, version = uow.load(PILOT, cmd.startup_id)
    events = domain.propose(pilot, cmd, participation, RULES)
    return uow.save(PILOT, cmd.startup_id, version, events)


def approve_pilot(cmd: ApprovePilot, uow: UnitOfWork) -> list[Event]:
    pilot, version = uow.load(PILOT, cmd.startup_id)
    return uow.save(PILOT, cmd.startup_id, version, domain.approve(pilot, cmd))


def start_pilot(cmd: StartPilot, uow: UnitOfWork) -> list[Event]:
    pilot, version = uow.load(PILOT, cmd.startup_id)
    return uow.save(PILOT, cmd.startup_id, version, domain.start(pilot, cmd, uow.today()))


def complete_pilot(cmd: CompletePilot, uow: UnitOfWork) -> list[Event]:
    pilot, version = uow.load(PILOT, cmd.startup_id)
    return uow.save(PILOT, cmd.startup_id, version, domain.complete(pilot, cmd, uow.today()))


def cancel_pilot(cmd: CancelPilot, uow: UnitOfWork) -> list[Event]:
    pilot, version = uow.load(PILOT, cmd.startup_id)
    return uow.save(PILOT, cmd.startup_id, version, domain.cancel(pilot, cmd))
