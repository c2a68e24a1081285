"""Intake handlers: load the aggregate (and what its rules need to see), decide, save."""

from __future__ import annotations

from events.base import Event
from services.intake import domain
from services.intake.commands import (
    CloseCall,
    OpenCall,
    PublishChallenge,
    SubmitApplication,
    WithdrawApplication,
)
from services.intake.domain import APPLICATION, CHALLENGE
from services.kernel import UnitOfWork
from services.rules import RULES
from services.selection.domain import SELECTION


def publish_challenge(cmd: PublishChallenge, uow: UnitOfWork) -> list[Event]:
    challenge, version = uow.load(CHALLENGE, cmd.challenge_id)
    return uow.save(CHALLENGE, cmd.challenge_id, version, domain.publish(challenge, cmd))


def open_call(cmd: OpenCall, uow: UnitOfWork) -> list[Event]:
    challenge, version = uow.load(CHALLENGE, cmd.challenge_id)
    events = domain.open_call(challenge, cmd, uow.today())
    return uow.save(CHALLENGE, cmd.challenge_id, version, events)


def close_call(cmd: CloseCall, uow: UnitOfWork) -> list[Event]:
    challenge, version = uow.load(CHALLENGE, cmd.challenge_id)
    return uow.save(CHALLENGE, cmd.challenge_id, version, domain.close_call(challenge, cmd))


def submit_application(cmd: SubmitApplication, uow: UnitOfWork) -> list[Event]:
    startup_id = domain.startup_id_for(
        cmd.challenge_id, domain.valid_enterprise_number(cmd.enterprise_number)
    )
    challenge, _ = uow.load(CHALLENGE, cmd.challenge_id)
    application, version = uow.load(APPLICATION, startup_id)
    events = domain.submit(application, cmd, challenge, uow.today(), RULES)
    return uow.save(APPLICATION, startup_id, version, events)


def withdraw_application(cmd: WithdrawApplication, uow: UnitOfWork) -> list[Event]:
    application, version = uow.load(APPLICATION, cmd.startup_id)
    selection, _ = uow.load(SELECTION, cmd.startup_id)
    events = domain.withdraw(application, cmd, offer_accepted=selection.offer_accepted)
    return uow.save(APPLICATION, cmd.startup_id, version, events)
