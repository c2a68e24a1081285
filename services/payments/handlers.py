"""Payments handlers: the startup's grant stream is loaded, decided on and saved."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from events.base import Event
from services.accelerator.domain import PARTICIPATION
from services.intake.domain import APPLICATION
from services.kernel import UnitOfWork
from services.payments import domain
from services.payments.commands import (
    ApprovePayment,
    InstructPayment,
    RecordDisbursement,
    RecordPaymentFailure,
    RejectPayment,
    RequestPayment,
    RetryPayment,
    startup_of,
)
from services.payments.domain import GRANT, Grant
from services.rules import RULES

C = TypeVar("C", RejectPayment, InstructPayment, RecordDisbursement, RecordPaymentFailure, RetryPayment)


def _on_grant(
    decide: Callable[[Grant, C], list[Event]],
) -> Callable[[C, UnitOfWork], list[Event]]:
    def handle(cmd: C, uow: UnitOfWork) -> list[Event]:
        startup_id = startup_of(cmd.payment_id)
        grant, version = uow.load(GRANT, startup_id)
        return uow.save(GRANT, startup_id, version, decide(grant, cmd))

    return handle


reject_payment = _on_grant(domain.reject)
instruct_payment = _on_grant(domain.instruct)
record_disbursement = _on_grant(domain.record_disbursement)
record_payment_failure = _on_grant(domain.record_failure)
retry_payment = _on_grant(domain.retry)


def request_payment(cmd: RequestPayment, uow: UnitOfWork) -> list[Event]:
    participation, _ = uow.load(PARTICIPATION, cmd.startup_id)
    application, _ = uow.load(APPLICATION, cmd.startup_id)
    grant, version = uow.load(GRANT, cmd.startup_id)
    events = domain.request(grant, cmd, participation, application.requested_budget, RULES)
    return uow.save(GRANT, cmd.startup_id, version, events)


def approve_payment(cmd: ApprovePayment, uow: UnitOfWork) -> list[Event]:
    startup_id = startup_of(cmd.payment_id)
    grant, version = uow.load(GRANT, startup_id)
    return uow.save(GRANT, startup_id, version, domain.approve(grant, cmd, RULES))
