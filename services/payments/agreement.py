"""Deciding a grant agreement and its account changes (on the startup's grant stream).

Rules: the award is at most the programme cap and the startup's requested budget, and never
less than what its payments already took; the tranche schedule (the programme's, or the
startup's own) adds up to 100 % of the award, on milestones of the startup's plan; the
beneficiary account is a checked SEPA account; it cannot change while a transfer to the old
one is instructed and not settled.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from events.base import Event
from events.grants import BeneficiaryAccountChanged, GrantAgreed, Tranche
from services.intake.domain import Application
from services.kernel import Context, Rejected
from services.participation.domain import Participation
from services.payments.accounts import account
from services.payments.commands import AgreeGrant, ChangeBeneficiaryAccount
from services.payments.state import Grant

CENT = Decimal("0.01")


def whole_cents(amount: Decimal, field: str) -> Decimal:
    if amount <= 0 or amount != amount.quantize(CENT):
        raise Rejected(field, f"must be a positive amount in whole cents (got {amount})")
    return amount


def tranche_amounts(award: Decimal, schedule: dict[str, int]) -> tuple[Tranche, ...]:
    """Each milestone's share, rounded down to the cent; the last takes what rounding left,
    so the tranches add up to the award exactly."""
    keys = list(schedule)
    amounts = [(award * schedule[k] / 100).quantize(CENT, rounding=ROUND_DOWN) for k in keys[:-1]]
    amounts.append(award - sum(amounts, Decimal(0)))
    return tuple(
        Tranche(milestone_key=k, percent=schedule[k], amount=a) for k, a in zip(keys, amounts, strict=True)
    )


def agree(
    state: Grant, cmd: AgreeGrant, application: Application, participation: Participation, context: Context
) -> list[Event]:
    if state.agreement is not None:
        raise Rejected(
            "startup_id", f"{cmd.startup_id} already has a grant agreement (change its account instead)"
        )
    if not application.submitted or application.withdrawn:
        raise Rejected("startup_id", f"{cmd.startup_id} has no standing application")
    award = whole_cents(cmd.award, "award")
    limit = min(context.rules.grant_cap, application.requested_budget)
    if award > limit:
        raise Rejected(
            "award",
            f"EUR {award:,.2f} is above what this startup may be awarded: EUR {limit:,.2f} "
            f"(its requested budget, at most the EUR {context.rules.grant_cap:,.0f} cap)",
        )
    if award < state.committed():
        raise Rejected("award", f"its payments already take EUR {state.committed():,.2f}")
    schedule = _schedule(cmd.tranches or context.rules.default_tranches(), participation)
    checked = account(cmd.iban, cmd.bic, cmd.account_holder)
    return [
        GrantAgreed(
            startup_id=cmd.startup_id,
            city_id=application.city_id,
            award=award,
            tranches=tranche_amounts(award, schedule),
            iban=checked.iban,
            bic=checked.bic,
            account_holder=checked.holder,
            agreed_by=context.actor,
        )
    ]


def _schedule(schedule: dict[str, int], participation: Participation) -> dict[str, int]:
    if any(percent <= 0 or percent > 100 for percent in schedule.values()):
        raise Rejected("tranches", "each tranche is a percentage from 1 to 100")
    if sum(schedule.values()) != 100:
        raise Rejected("tranches", f"must add up to 100 % of the award (got {sum(schedule.values())} %)")
    planned = participation.milestones
    unknown = sorted(key for key in schedule if planned and key not in planned)
    if unknown:
        raise Rejected("tranches", f"no milestone {', '.join(unknown)} in the plan ({', '.join(planned)})")
    return dict(schedule)


def change_account(state: Grant, cmd: ChangeBeneficiaryAccount, context: Context) -> list[Event]:
    if state.agreement is None:
        raise Rejected("startup_id", f"{cmd.startup_id} has no grant agreement: agree one first")
    checked = account(cmd.iban, cmd.bic, cmd.account_holder)
    if checked == state.agreement.account:
        return []
    if busy := state.in_flight():
        raise Rejected(
            "iban",
            f"payment {busy[0].payment_id} is instructed to the bank and not settled: "
            "the account can change once it is disbursed or failed",
        )
    return [
        BeneficiaryAccountChanged(
            startup_id=cmd.startup_id,
            city_id=state.city_id,
            iban=checked.iban,
            bic=checked.bic,
            account_holder=checked.holder,
            changed_by=context.actor,
        )
    ]
