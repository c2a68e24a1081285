"""The grant agreement: award, tranche schedule, beneficiary account — and the policy that
requests the tranche an approved milestone releases."""

from __future__ import annotations

from decimal import Decimal

import pytest

from events.grants import BeneficiaryAccountChanged, GrantAgreed, Tranche
from events.payments import PaymentRejected, PaymentRequested
from services.kernel import Rejected
from services.payments import commands as pay
from services.payments.agreement import tranche_amounts
from services.payments.domain import GRANT, requests_tranches
from tests import builders as b
from tests.services.finance import MANAGER, agreed, agreement, delivered, instructed, payment, run


class TestAgreeingAGrant:
    def test_the_programmes_schedule_30_70_and_the_account_are_agreed(self) -> None:
        (event,) = run(delivered(), agreement(7500))
        assert isinstance(event, GrantAgreed)
        assert event.tranches == (
            Tranche(milestone_key="kick-off", percent=30, amount=Decimal("2250.00")),
            Tranche(milestone_key="poc-delivered", percent=70, amount=Decimal("5250.00")),
        )
        assert (event.iban, event.bic, event.account_holder, event.agreed_by) == (
            b.PARKLY_IBAN,
            b.PARKLY_BIC,
            "Parkly BV",
            MANAGER,
        )

    def test_a_startup_may_have_its_own_schedule(self) -> None:
        schedule = {"kick-off": 20, "poc-design": 30, "poc-delivered": 50}
        (event,) = run(delivered(), agreement(10000, tranches=schedule))
        assert isinstance(event, GrantAgreed)
        assert [(t.milestone_key, t.amount) for t in event.tranches] == [
            ("kick-off", Decimal(2000)),
            ("poc-design", Decimal(3000)),
            ("poc-delivered", Decimal(5000)),
        ]

    def test_tranches_add_up_to_the_award_to_the_cent(self) -> None:
        tranches = tranche_amounts(Decimal("9999.99"), {"kick-off": 30, "poc-delivered": 70})
        assert sum(t.amount for t in tranches) == Decimal("9999.99")
        assert tranches[0].amount == Decimal("2999.99")

    @pytest.mark.parametrize(
        ("command", "message"),
        [
            (agreement("10000.01"), "award: EUR 10,000.01 is above what this startup may be awarded"),
            (agreement(0), "award: must be a positive amount in whole cents"),
            (agreement(tranches={"kick-off": 30, "poc-delivered": 60}), "tranches: must add up to 100 %"),
            (agreement(tranches={"kick-off": 30, "launch-party": 70}), "tranches: no milestone launch-party"),
            (agreement(iban="BE84 4280 3870 1215"), "iban: 'BE84 4280 3870 1215' is not a valid IBAN"),
            (agreement(iban="BR1800360305000010009795493C1"), "iban: .* is not in the SEPA zone"),
            (agreement(iban="US64SVBKUS6S3300958879"), "iban: .* is not a valid IBAN"),
            (agreement(bic="GEBABEBB"), "bic: GEBABEBB is not the BIC of BE83 4280 3870 1215's bank .KBC"),
            (agreement(bic="NOT A BIC"), "bic: 'NOT A BIC' is not a valid BIC"),
        ],
    )
    def test_refuses_what_a_finance_department_would_not_sign(
        self, command: pay.AgreeGrant, message: str
    ) -> None:
        with pytest.raises((Rejected, ValueError), match=message):
            run(delivered(), command)

    def test_the_award_is_at_most_the_requested_budget(self) -> None:
        with pytest.raises(Rejected, match=r"award: EUR 9,000.00 is above .* EUR 8,000.00"):
            run(delivered(budget=Decimal(8000)), agreement(9000))

    def test_a_second_agreement_is_refused(self) -> None:
        with pytest.raises(Rejected, match="already has a grant agreement"):
            run(agreed(), agreement(5000))


class TestTheBeneficiaryAccount:
    def test_changes_while_no_transfer_is_with_the_bank(self) -> None:
        (event,) = run(agreed(), pay.ChangeBeneficiaryAccount(startup_id=b.PARKLY, iban="BE71 0961 2345 6769",
                                                              account_holder="Parkly BV"))  # fmt: skip
        assert isinstance(event, BeneficiaryAccountChanged)
        assert (event.iban, event.bic) == ("BE71096123456769", "GKCCBEBB")

    def test_is_refused_while_an_instructed_payment_is_not_settled_and_free_again_after(self) -> None:
        spec = agreed("kick-off")
        instructed(spec, "kick-off")
        change = pay.ChangeBeneficiaryAccount(
            startup_id=b.PARKLY, iban="BE71 0961 2345 6769", account_holder="P"
        )
        with pytest.raises(
            Rejected, match=f"iban: payment {payment('kick-off')} is instructed .* not settled"
        ):
            run(spec, change)
        run(spec, pay.RecordPaymentFailure(payment_id=payment("kick-off"), reason="AC04 account closed"))
        assert isinstance(run(spec, change)[0], BeneficiaryAccountChanged)
        (retried,) = run(spec, pay.RetryPayment(payment_id=payment("kick-off")))
        assert retried.iban == "BE71096123456769"  # type: ignore[attr-defined]
        assert retried.end_to_end_id == f"{payment('kick-off')}/2"  # type: ignore[attr-defined]

    def test_the_same_account_again_changes_nothing(self) -> None:
        assert run(agreed(), pay.ChangeBeneficiaryAccount(startup_id=b.PARKLY, iban=b.PARKLY_IBAN,
                                                          account_holder="Parkly BV")) == []  # fmt: skip


class TestTranchesRequestedByPolicy:
    def test_an_approved_milestone_requests_the_agreements_tranche_once(self) -> None:
        spec = agreed("kick-off")
        (approval,) = [e for e in b.delivered("kick-off") if type(e).__name__ == "MilestoneApproved"]
        (command,) = requests_tranches(approval.model_copy(update={"approved_by": MANAGER}))
        (event,) = run(spec, command, actor="system:requests-tranches")
        assert isinstance(event, PaymentRequested)
        assert (event.amount, event.requested_by, event.on_approval_of) == (
            Decimal(3000),
            "system:requests-tranches",
            MANAGER,
        )
        assert run(spec, command, actor="system:requests-tranches") == [], "a redelivery asks for nothing"
        run(spec, pay.RejectPayment(payment_id=payment("kick-off"), reason="wrong milestone report"))
        assert run(spec, command, actor="system:requests-tranches") == [], "nor after a person rejected it"

    def test_nothing_without_an_agreement_or_without_a_tranche_there(self) -> None:
        command = pay.RequestTranche(startup_id=b.PARKLY, milestone_key="kick-off")
        assert run(delivered("kick-off"), command) == []
        assert run(agreed("poc-design"), command.model_copy(update={"milestone_key": "poc-design"})) == []

    def test_a_person_asks_for_the_tranche_without_amount_or_iban(self) -> None:
        (event,) = run(
            agreed("kick-off", award=6000), pay.RequestPayment(startup_id=b.PARKLY, milestone_key="kick-off")
        )
        assert isinstance(event, PaymentRequested)
        assert (event.amount, event.iban) == (Decimal(1800), b.PARKLY_IBAN)

    def test_a_tranche_over_the_remaining_grant_is_rejected_with_the_reason(self) -> None:
        spec = agreed("kick-off", "final-demo", award=6000)
        run(spec, pay.RequestPayment(startup_id=b.PARKLY, milestone_key="kick-off", amount=Decimal(5000)))
        (event,) = run(
            spec, pay.RequestPayment(startup_id=b.PARKLY, milestone_key="final-demo", amount=Decimal(1500))
        )
        assert isinstance(event, PaymentRejected)
        assert "above the EUR 6,000.00 this startup was awarded (EUR 1,000.00 left)" in event.reason

    def test_another_iban_than_the_agreements_is_refused(self) -> None:
        with pytest.raises(Rejected, match="iban: the grant agreement pays another account"):
            run(agreed("kick-off"), pay.RequestPayment(startup_id=b.PARKLY, milestone_key="kick-off",
                                                       iban="BE71 0961 2345 6769"))  # fmt: skip


def test_the_grant_folds_its_agreement() -> None:
    spec = agreed()
    grant = GRANT.fold(spec.store.load(f"grant-{b.PARKLY}"))
    assert grant.agreement is not None and grant.agreement.award == Decimal(10000)
