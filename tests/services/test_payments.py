"""The proof-of-concept grant: tranches tied to approved milestones, never past EUR 10,000."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import event, settings, target
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
)

from events.base import Event
from events.ids import PaymentId
from events.payments import (
    PaymentApproved,
    PaymentDisbursed,
    PaymentEvent,
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
from services.payments.domain import COMMITTED, GRANT, Grant, Payment, PaymentStatus
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


def request(key: str, amount: str | int | Decimal) -> RequestPayment:
    return RequestPayment(startup_id=b.PARKLY, milestone_key=key, amount=Decimal(amount), iban=b.PARKLY_IBAN)


REQUESTER, APPROVER = "An Peeters", "Marie Claes"


def run(spec: Spec, command: Command) -> list[Event]:
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


CAP = Decimal(10000)
REFERENCES = ("SEPA-2027-0042", "SEPA-2027-0099")
REST, OVER, CENT = "what is left of the award", "a cent more than that", Decimal("0.01")
tranches = st.one_of(
    st.sampled_from([OVER, REST]),
    st.sampled_from(["4000", "3500", "7000", "2500", "1000", "3000"]).map(Decimal),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal(12000), places=2),
)

VERBS: dict[str, Callable[[PaymentId, str], Command]] = {
    "approve": lambda p, _r: ApprovePayment(payment_id=p),
    "reject": lambda p, _r: RejectPayment(payment_id=p, reason="programme said no"),
    "instruct": lambda p, _r: InstructPayment(payment_id=p),
    "disburse": lambda p, r: RecordDisbursement(payment_id=p, bank_reference=r),
    "fail": lambda p, _r: RecordPaymentFailure(payment_id=p, reason="AM04 insufficient funds"),
    "retry": lambda p, _r: RetryPayment(payment_id=p),
}

paths = st.lists(st.integers(0, 9), min_size=3, max_size=10)
"""One choice per step of a payment's life: see `AGrantWhateverTheStory.step`."""


class AGrantWhateverTheStory(RuleBasedStateMachine):
    """One startup's grant driven through whatever the programme and finance may say, in any
    order, with any earlier command given again as a redelivery would give it.

    Most steps walk a live payment along request -> approve -> instruct -> disburse (or fail ->
    retry), with finance confirming a disbursement again under the same or another bank
    reference, and check each step gives what it must; the others are any command on any
    payment, valid or not. After every step: the grant never commits more than EUR 10,000 nor
    more than the award, what is paid is committed, nothing is disbursed twice, and the stream
    holds each recorded event once.
    """

    payments = Bundle("payments")

    def __init__(self) -> None:
        super().__init__()
        self.spec = Spec()
        self.award = CAP
        self.told: list[Command] = []
        self.recorded: list[Event] = []

    @initialize(
        target=payments,
        award=st.one_of(st.just(Decimal(6500)), st.sampled_from([CAP, Decimal(12000)])),
        first=st.sampled_from(["3000", "2500", "1000"]).map(Decimal),
    )
    def a_first_tranche_is_requested(self, award: Decimal, first: Decimal) -> PaymentId:
        """Every milestone is approved; an award above the cap is what an application recorded
        before the cap was lowered would hold."""
        self.award, self.spec = award, delivered(*KEYS, budget=award)
        (requested,) = self.given(request("kick-off", first))
        assert isinstance(requested, PaymentRequested)
        return requested.payment_id

    def grant(self) -> Grant:
        return GRANT.fold(self.spec.store.load(GRANT_STREAM))

    def rest(self) -> Decimal:
        """What is left of the award under the cap (a cent when nothing is: then refused)."""
        return max(min(self.award, CAP) - self.grant().committed(), CENT)

    def give(self, command: Command) -> list[Event] | Rejected:
        self.told.append(command)
        try:
            events = run(self.spec, command)  # four eyes: the approver is not the requester
        except Rejected as refusal:
            return refusal
        self.recorded.extend(events)
        for item in events:
            event(reached(item))
        return events

    @rule(target=payments, milestone=st.integers(0, 3), amount=tranches, choices=paths)
    def request_and_walk(self, milestone: int, amount: Decimal | str, choices: list[int]) -> object:
        """A tranche for a milestone that has none under way (if one is left), walked on."""
        grant = self.grant()
        taken = {p.milestone_key for p in grant.payments.values() if p.status in COMMITTED}
        free = [key for key in KEYS if key not in taken] or list(KEYS)
        euros = amount if isinstance(amount, Decimal) else self.rest() + (CENT if amount == OVER else 0)
        opened = live(self.give(request(free[milestone % len(free)], euros)))
        return self.walk(opened, choices) if isinstance(opened, PaymentId) else multiple()

    @rule(target=payments, payment=payments, choices=paths)
    def further_along(self, payment: PaymentId, choices: list[int]) -> object:
        return self.walk(payment, choices)

    def walk(self, payment: PaymentId, choices: list[int]) -> object:
        """A few steps of one payment's life (a rejected one is asked for again)."""
        opened = [payment]
        for choice in choices:
            payment = self.step(payment, choice)
            opened.append(payment)
            if choice % 4 == 1:  # delivered again, as after a crash before the offset commit
                self.give(self.told[-1])
                event("the last command redelivered")
        return multiple(*dict.fromkeys(opened))

    def step(self, payment: PaymentId, choice: int) -> PaymentId:
        """The command the payment's status calls for, and what it must give. The programme
        rejects only a first request and the bank fails only a first attempt, so that one
        choice repeated (as hypothesis likes to) still walks a payment to its end."""
        now = self.grant().payments[payment]
        match now.status:
            case PaymentStatus.REQUESTED | PaymentStatus.APPROVED if choice >= 8 and payment.number == 1:
                (rejected,) = self.given(RejectPayment(payment_id=payment, reason="programme said no"))
                assert isinstance(rejected, PaymentRejected)
            case PaymentStatus.REQUESTED:
                (approved,) = self.given(ApprovePayment(payment_id=payment))
                assert isinstance(approved, PaymentApproved)
            case PaymentStatus.APPROVED:
                approvals = (e for e in reversed(self.recorded) if isinstance(e, PaymentApproved))
                (instruction,) = react(next(e for e in approvals if e.payment_id == payment))
                (instructed,) = self.given(instruction)
                assert isinstance(instructed, PaymentInstructed) and instructed.attempt == 1
            case PaymentStatus.INSTRUCTED if choice < 5 or now.attempts > 1:
                reference = REFERENCES[choice % 2]
                (paid,) = self.given(RecordDisbursement(payment_id=payment, bank_reference=reference))
                assert isinstance(paid, PaymentDisbursed) and paid.attempt == now.attempts
            case PaymentStatus.INSTRUCTED:
                (failed,) = self.given(RecordPaymentFailure(payment_id=payment, reason="AC04 account closed"))
                assert isinstance(failed, PaymentFailed)
            case PaymentStatus.FAILED:
                (again,) = self.given(RetryPayment(payment_id=payment))
                assert isinstance(again, PaymentInstructed) and again.attempt == now.attempts + 1
            case PaymentStatus.DISBURSED:
                self.finance_confirms_again(now, other=choice % 2 == 1)
            case PaymentStatus.REJECTED:  # asked again, for no more than what is left
                amount = min(now.amount, self.rest())
                opened = live(self.give(request(now.milestone_key, amount)))
                return opened if isinstance(opened, PaymentId) else payment
        return payment

    def given(self, command: Command) -> list[Event]:
        outcome = self.give(command)
        assert not isinstance(outcome, Rejected), f"{command!r} refused: {outcome}"
        return outcome

    def finance_confirms_again(self, paid: Payment, other: bool) -> None:
        """The same reference again changes nothing; another is a possible double transfer."""
        reference = next(r for r in REFERENCES if r != paid.bank_reference) if other else paid.bank_reference
        outcome = self.give(RecordDisbursement(payment_id=paid.payment_id, bank_reference=reference))
        if other:
            assert isinstance(outcome, Rejected) and outcome.field == "bank_reference", outcome
            assert f"already disbursed with bank reference {paid.bank_reference}" in outcome.rule
            event("finance confirmed again with another reference: refused")
        else:
            assert outcome == []
            event("finance confirmed again with the same reference: nothing to do")

    @rule(payment=payments, verb=st.sampled_from(sorted(VERBS)), reference=st.sampled_from(["", *REFERENCES]))
    def anything(self, payment: PaymentId, verb: str, reference: str) -> None:
        """Any command on any payment, whatever its status: refused, or a legitimate change."""
        self.give(VERBS[verb](payment, reference))

    @rule(earlier=st.integers(min_value=0))
    def redelivered(self, earlier: int) -> None:
        """Any command given before, given again (most often the last, as a retry would)."""
        self.give(self.told[-1 - earlier % len(self.told)])
        event("an earlier command redelivered")

    @invariant()
    def the_grant_holds(self) -> None:
        stream = self.spec.store.load(GRANT_STREAM)
        assert stream == self.recorded, "the grant stream must hold each recorded event exactly once"
        grant = GRANT.fold(stream)
        assert grant.committed() <= CAP
        assert grant.committed() <= self.award
        assert grant.paid() <= grant.committed()
        disbursed = Counter(e.payment_id for e in stream if isinstance(e, PaymentDisbursed))
        assert all(times == 1 for times in disbursed.values()), f"disbursed twice: {disbursed}"
        follows_the_lifecycle(stream)

    def teardown(self) -> None:
        committed = self.grant().committed()
        target(float(committed), label="euros committed at the end")
        if committed == min(self.award, CAP):
            event("the whole award committed, to the cent")


def live(outcome: list[Event] | Rejected) -> PaymentId | object:
    """The id of the payment a request opened, for later steps (none if refused or rejected)."""
    match outcome:
        case [PaymentRequested() as requested]:
            return requested.payment_id
    return multiple()


LIFECYCLE: dict[type[Event] | None, set[type[Event]]] = {
    None: {PaymentRequested, PaymentRejected},
    PaymentRequested: {PaymentApproved, PaymentRejected},
    PaymentApproved: {PaymentInstructed, PaymentRejected},
    PaymentInstructed: {PaymentFailed, PaymentDisbursed},
    PaymentFailed: {PaymentInstructed},
    PaymentDisbursed: set(),
    PaymentRejected: set(),
}
"""What may follow what in one payment's life; a rejected or disbursed payment is done."""


def follows_the_lifecycle(stream: list[Event]) -> None:
    """Each payment's events in an order its life allows, each attempt numbered in turn."""
    last: dict[PaymentId, type[Event]] = {}
    attempts: Counter[PaymentId] = Counter()
    for item in stream:
        assert isinstance(item, PaymentEvent)
        before = last.get(item.payment_id)
        assert type(item) in LIFECYCLE[before], f"{type(item).__name__} after {before} for {item.payment_id}"
        attempts[item.payment_id] += isinstance(item, PaymentInstructed)
        if isinstance(item, PaymentInstructed | PaymentFailed | PaymentDisbursed):
            assert item.attempt == attempts[item.payment_id], item
        last[item.payment_id] = type(item)


def reached(item: Event) -> str:
    match item:
        case PaymentInstructed(attempt=attempt) if attempt > 1:
            return "PaymentInstructed again (retried)"
        case PaymentRejected(reason=reason) if "cap" in reason:
            return "PaymentRejected at the EUR 10,000 cap"
        case PaymentRejected(reason=reason) if "awarded" in reason:
            return "PaymentRejected past the award"
        case PaymentRejected():
            return "PaymentRejected by the programme"
    return type(item).__name__


TestAGrantWhateverTheStory = AGrantWhateverTheStory.TestCase
TestAGrantWhateverTheStory.settings = settings(max_examples=120, stateful_step_count=20, deadline=None)
