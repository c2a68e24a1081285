"""A startup in the accelerator with a grant agreement, as the finance tests need it."""

from __future__ import annotations

from decimal import Decimal

from events.base import Event
from services.kernel import Command
from services.payments import commands as pay
from tests import builders as b
from tests.fakes import Spec

MANAGER, APPROVER, BOOKKEEPER = "Lotte Claes", "Marie Claes", "Jan Bogaert"
"""Who does what: the programme manager asks, the finance officer approves, the bookkeeper imports."""
PROGRAMME = "brugge-2027"
EXPORT = pay.ExportPayments(programme=PROGRAMME, debtor_name="Stad Brugge", debtor_iban=b.CITY_IBAN)


def delivered(*keys: str, budget: Decimal = Decimal(10000)) -> Spec:
    spec = Spec().given(f"application-{b.PARKLY}", b.applied(budget))
    spec.given(f"participation-{b.PARKLY}", b.started())
    for key in keys:
        spec.given(f"participation-{b.PARKLY}", *b.delivered(key))
    return spec.on(b.COHORT_START)


def agreement(award: int | str = 10000, **changes: object) -> pay.AgreeGrant:
    fields: dict[str, object] = {
        "startup_id": b.PARKLY,
        "award": Decimal(award),
        "iban": b.PARKLY_IBAN,
        "account_holder": "Parkly BV",
    }
    return pay.AgreeGrant(**(fields | changes))


def agreed(*keys: str, award: int | str = 10000) -> Spec:
    spec = delivered(*keys)
    spec.when(agreement(award), actor=MANAGER)
    return spec


def payment(key: str, n: int = 1) -> str:
    return f"{b.PARKLY}/{key}/{n}"


def instructed(spec: Spec, key: str) -> list[Event]:
    """Requested by the manager, approved by the finance officer, instructed by the policy."""
    spec.when(pay.RequestPayment(startup_id=b.PARKLY, milestone_key=key), actor=MANAGER)
    spec.when(pay.ApprovePayment(payment_id=payment(key)), actor=APPROVER)
    return spec.when(pay.InstructPayment(payment_id=payment(key)), actor="system:instructs-payments")


def run(spec: Spec, command: Command, actor: str = MANAGER) -> list[Event]:
    return spec.when(command, actor=actor)
