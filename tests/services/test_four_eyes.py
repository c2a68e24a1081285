"""Four eyes: a payment is approved by a person who did not ask for it, and (when the
programme's rules say so) its disbursement is confirmed by someone other than its approver."""

from __future__ import annotations

from datetime import date

import pytest

from events.payments import PaymentApproved, PaymentDisbursed
from services.kernel import Context, Rejected
from services.payments import commands as pay
from services.payments.domain import GRANT
from services.rules import ProgrammeRules
from tests import builders as b
from tests.fakes import Spec
from tests.services.finance import APPROVER, BOOKKEEPER, MANAGER, agreed, instructed, payment, run

APPROVE = pay.ApprovePayment(payment_id=payment("kick-off"))


def requested(by: str = MANAGER) -> Spec:
    spec = agreed("kick-off")
    run(spec, pay.RequestPayment(startup_id=b.PARKLY, milestone_key="kick-off"), actor=by)
    return spec


class TestApproval:
    def test_the_requester_may_not_approve_and_nothing_is_recorded(self) -> None:
        spec = requested()
        before = spec.stored()
        with pytest.raises(
            Rejected, match="actor: +lotte +CLAES +requested .* may not also approve it .four eyes."
        ):
            run(spec, APPROVE, actor=" lotte  CLAES ")
        assert spec.stored() == before

    def test_another_person_approves_and_is_recorded_as_the_approver(self) -> None:
        spec = requested()
        (event,) = run(spec, APPROVE, actor=APPROVER)
        assert isinstance(event, PaymentApproved) and event.approved_by == APPROVER

    def test_a_system_actor_never_approves(self) -> None:
        spec = requested()
        with pytest.raises(Rejected, match="actor: system:requests-tranches may not approve payments"):
            run(spec, APPROVE, actor="system:requests-tranches")

    def test_the_milestones_approver_may_not_approve_the_tranche_the_policy_requested(self) -> None:
        spec = agreed("kick-off")
        tranche = pay.RequestTranche(
            startup_id=b.PARKLY, milestone_key="kick-off", milestone_approved_by=MANAGER
        )
        run(spec, tranche, actor="system:requests-tranches")
        with pytest.raises(Rejected, match=f"actor: {MANAGER} approved the milestone that requested"):
            run(spec, APPROVE, actor=MANAGER)
        assert isinstance(run(spec, APPROVE, actor=APPROVER)[0], PaymentApproved)


class TestConfirmingTheDisbursement:
    def test_the_approver_may_not_confirm_it_was_paid(self) -> None:
        spec = agreed("kick-off")
        instructed(spec, "kick-off")
        with pytest.raises(Rejected, match=f"actor: {APPROVER} approved .* may not also confirm it was paid"):
            run(spec, pay.RecordDisbursement(payment_id=payment("kick-off")), actor=APPROVER)
        (paid,) = run(spec, pay.RecordDisbursement(payment_id=payment("kick-off")), actor=BOOKKEEPER)
        assert isinstance(paid, PaymentDisbursed) and paid.confirmed_by == BOOKKEEPER

    def test_unless_the_programmes_rules_allow_it(self) -> None:
        spec = agreed("kick-off")
        instructed(spec, "kick-off")
        state = GRANT.fold(spec.store.load(f"grant-{b.PARKLY}"))
        lenient = Context(
            date(2027, 3, 1), APPROVER, lambda _d, _i: None, ProgrammeRules(four_eyes_disbursement=False)
        )
        (paid,) = GRANT.decide(state, pay.RecordDisbursement(payment_id=payment("kick-off")), lenient)
        assert isinstance(paid, PaymentDisbursed)
