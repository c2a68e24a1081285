"""The proof-of-concept grant: tranches tied to approved milestones, never past EUR 10,000."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from events.payments import (
    PaymentApproved,
    PaymentDisbursed,
    PaymentFailed,
    PaymentInstructed,
    PaymentRejected,
    PaymentRequested,
)
from services.kernel import Command, Rejected
from services.payments.commands import (
    ApprovePayment,
    InstructPayment,
    RecordDisbursement,
    RecordPaymentFailure,
    RejectPayment,
    RequestPayment,
    RetryPayment,
)
from services.payments.domain import GRANT
from services.payments.domain import instructs_payments as react
from tests import builders as b
from tests.fakes import Spec

KEYS = ("kick-off", "poc-design", "poc-delivered", "final-demo")
GRANT_STREAM = f"grant-{b.PARKLY}"


def delivered(*keys: str, budget: Decimal = Decimal(10000)) -> Spec:
    spec = Spec().given(f"application-{b.PARKLY}", b.applied(budget))
    spec.given(f"participation-{b.PARKLY}", b.started())
    for key in keys:
        spec.given(f"participation-{b.PARKLY}", *b.delivered(key))
    return spec.on(b.COHORT_START)


def request(key: str, amount: str | int) -> RequestPayment:
    return RequestPayment(startup_id=b.PARKLY, milestone_key=key, amount=Decimal(amount), iban=b.PARKLY_IBAN)


REQUESTER, APPROVER = "An Peeters", "Marie Claes"


def run(spec: Spec, command: Command) -> list[object]:
    """The command's events (the handler has stored them on the grant stream); a payment is
    approved by someone else than its requester (four eyes)."""
    return list(spec.when(command, actor=APPROVER if isinstance(command, ApprovePayment) else REQUESTER))


class TestRequestingATranche:
    def test_a_tranche_for_an_approved_milestone_is_requested(self) -> None:
        events = delivered("kick-off").when(request("kick-off", 3000))
        assert events == [
            PaymentRequested(
                startup_id=b.PARKLY,
                city_id="brugge",
                payment_id=f"{b.PARKLY}/kick-off/1",
                milestone_key="kick-off",
                amount=Decimal(3000),
                iban=b.PARKLY_IBAN,
                requested_by=REQUESTER,
            )
        ]

    def test_refuses_a_tranche_for_a_milestone_not_yet_approved(self) -> None:
        with pytest.raises(Rejected, match="milestone_key: milestone poc-delivered is not approved"):
            delivered("kick-off").when(request("poc-delivered", 7000))

    def test_refuses_a_startup_not_in_the_accelerator(self) -> None:
        spec = Spec().given(f"application-{b.PARKLY}", b.applied())
        with pytest.raises(Rejected, match="startup_id: .* is not in the accelerator"):
            spec.when(request("kick-off", 3000))

    @pytest.mark.parametrize("amount", ["0", "-10", "0.001"])
    def test_refuses_amounts_that_are_not_positive_whole_cents(self, amount: str) -> None:
        with pytest.raises(Rejected, match="amount: must be a positive amount in whole cents"):
            delivered("kick-off").when(request("kick-off", amount))

    def test_refuses_an_invalid_iban(self) -> None:
        with pytest.raises(Rejected, match="iban: 'BE00 0000' is not a valid IBAN"):
            delivered("kick-off").when(request("kick-off", 3000).model_copy(update={"iban": "BE00 0000"}))

    def test_a_request_that_would_pass_the_cap_is_recorded_as_rejected_with_the_reason(self) -> None:
        spec = delivered("kick-off", "poc-delivered", "final-demo")
        run(spec, request("kick-off", 3000))
        run(spec, request("poc-delivered", 7000))
        (event,) = spec.when(request("final-demo", 500))
        assert isinstance(event, PaymentRejected)
        assert event.reason.startswith("amount: EUR 500.00 would bring the grant to EUR 10,500.00")
        assert "above the EUR 10,000 cap" in event.reason

    def test_a_request_past_the_startups_own_award_is_rejected_too(self) -> None:
        spec = delivered("kick-off", budget=Decimal(6000))
        (event,) = spec.when(request("kick-off", 6500))
        assert isinstance(event, PaymentRejected)
        assert "above the EUR 6,000.00 this startup was awarded" in event.reason

    def test_a_second_live_tranche_for_the_same_milestone_is_refused(self) -> None:
        spec = delivered("kick-off")
        run(spec, request("kick-off", 3000))
        with pytest.raises(Rejected, match="milestone_key: a tranche for kick-off is already"):
            spec.when(request("kick-off", 3000))


class TestFromApprovalToDisbursement:
    def requested(self) -> Spec:
        spec = delivered("kick-off")
        run(spec, request("kick-off", 3000))
        return spec

    def test_an_approved_payment_is_instructed_to_finance_once(self) -> None:
        spec = self.requested()
        (approved,) = run(spec, ApprovePayment(payment_id=f"{b.PARKLY}/kick-off/1"))
        assert isinstance(approved, PaymentApproved)
        (instruction,) = react(approved)
        (instructed,) = run(spec, instruction)
        assert isinstance(instructed, PaymentInstructed)
        assert instructed.attempt == 1
        assert spec.when(instruction) == []

    def test_a_failed_transfer_is_retried_as_a_new_attempt(self) -> None:
        spec = self.requested()
        payment = f"{b.PARKLY}/kick-off/1"
        run(spec, ApprovePayment(payment_id=payment))
        run(spec, InstructPayment(payment_id=payment))
        (failed,) = run(spec, RecordPaymentFailure(payment_id=payment, reason="AC04 account closed"))
        assert isinstance(failed, PaymentFailed)
        (again,) = run(spec, RetryPayment(payment_id=payment))
        assert isinstance(again, PaymentInstructed)
        assert again.attempt == 2
        (paid,) = run(spec, RecordDisbursement(payment_id=payment, bank_reference="SEPA-1"))
        assert isinstance(paid, PaymentDisbursed)
        assert paid.attempt == 2

    def test_finance_reporting_a_disbursement_twice_changes_nothing(self) -> None:
        spec = self.requested()
        payment = f"{b.PARKLY}/kick-off/1"
        for command in (
            ApprovePayment(payment_id=payment),
            InstructPayment(payment_id=payment),
            RecordDisbursement(payment_id=payment),
        ):
            run(spec, command)
        assert spec.when(RecordDisbursement(payment_id=payment)) == []

    def test_a_rejected_payment_frees_its_amount_and_its_milestone(self) -> None:
        spec = self.requested()
        run(spec, RejectPayment(payment_id=f"{b.PARKLY}/kick-off/1", reason="wrong bank account"))
        (again,) = spec.when(request("kick-off", 3000))
        assert isinstance(again, PaymentRequested)
        assert again.payment_id == f"{b.PARKLY}/kick-off/2"

    def test_refuses_an_unknown_payment(self) -> None:
        with pytest.raises(Rejected, match="payment_id: no payment st-unknown/kick-off/1"):
            run(delivered(), ApprovePayment(payment_id="st-unknown/kick-off/1"))


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(12000), places=2)
actions = st.lists(
    st.one_of(
        st.tuples(st.just("request"), st.sampled_from(KEYS), amounts),
        st.tuples(
            st.sampled_from(["approve", "instruct", "disburse", "fail", "retry", "reject"]),
            st.sampled_from(KEYS),
            st.integers(1, 3),
        ),
        st.tuples(st.just("redeliver"), st.none(), st.none()),
    ),
    max_size=40,
)


def command_for(action: tuple[str, object, object]) -> Command:
    verb, key, extra = action
    if verb == "request":
        return request(str(key), str(extra))
    payment = f"{b.PARKLY}/{key}/{extra}"
    return {
        "approve": lambda: ApprovePayment(payment_id=payment),
        "instruct": lambda: InstructPayment(payment_id=payment),
        "disburse": lambda: RecordDisbursement(payment_id=payment),
        "fail": lambda: RecordPaymentFailure(payment_id=payment, reason="bank said no"),
        "retry": lambda: RetryPayment(payment_id=payment),
        "reject": lambda: RejectPayment(payment_id=payment, reason="programme said no"),
    }[verb]()


@settings(max_examples=300, deadline=None)
@given(actions)
def test_whatever_the_sequence_and_redeliveries_the_total_never_passes_the_cap(
    sequence: list[tuple[str, object, object]],
) -> None:
    spec = delivered(*KEYS)
    previous: Command | None = None
    for action in sequence:
        command = previous if action[0] == "redeliver" else command_for(action)
        if command is None:
            continue
        with contextlib.suppress(Rejected):  # refusals are part of the story
            run(spec, command)
        previous = command
        grant = GRANT.fold(spec.store.load(GRANT_STREAM))
        assert grant.committed() <= Decimal(10000)
        assert grant.paid() <= grant.committed()
    disbursed = [e for e in spec.store.load(GRANT_STREAM) if isinstance(e, PaymentDisbursed)]
    assert sum((e.amount for e in disbursed), Decimal(0)) <= Decimal(10000)
    assert len({e.payment_id for e in disbursed}) == len(disbursed), "a payment was disbursed twice"


class TestAnotherBankReferenceForAPaidPayment:
    def paid(self, reference: str) -> Spec:
        spec = delivered("kick-off")
        payment = f"{b.PARKLY}/kick-off/1"
        run(spec, request("kick-off", 3000))
        for command in (
            ApprovePayment(payment_id=payment),
            InstructPayment(payment_id=payment),
            RecordDisbursement(payment_id=payment, bank_reference=reference),
        ):
            run(spec, command)
        return spec

    def test_the_same_reference_again_is_finance_retrying_and_changes_nothing(self) -> None:
        spec = self.paid("SEPA-2027-0042")
        payment = f"{b.PARKLY}/kick-off/1"
        assert spec.when(RecordDisbursement(payment_id=payment, bank_reference="SEPA-2027-0042")) == []

    def test_a_different_reference_is_refused_as_a_possible_double_transfer(self) -> None:
        spec = self.paid("SEPA-2027-0042")
        payment = f"{b.PARKLY}/kick-off/1"
        with pytest.raises(
            Rejected, match="bank_reference: .* already disbursed with bank reference SEPA-2027-0042"
        ):
            spec.when(RecordDisbursement(payment_id=payment, bank_reference="SEPA-2027-0099"))
        assert [type(e) for e in spec.store.load(GRANT_STREAM)].count(PaymentDisbursed) == 1
