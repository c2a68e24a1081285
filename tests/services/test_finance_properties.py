"""Whatever the interleaving of requests, approvals, exports, bank answers (duplicated),
failures, retries, account changes and redeliveries: disbursed plus in flight never exceeds
the award, and no end-to-end id is ever in two files.

`pytest --hypothesis-show-statistics` shows which states the runs reach (`event`) and how far
they push the money paid out (`target`)."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import Any

from hypothesis import event, given, settings, target
from hypothesis import strategies as st

from events.exports import PaymentsExported
from events.payments import PaymentDisbursed, PaymentFailed
from services.kernel import Command, Rejected
from services.payments import commands as pay
from services.payments import feedback
from services.payments.bank import read
from services.payments.book import Book
from services.payments.domain import GRANT, PaymentStatus
from tests import builders as b
from tests.services.finance import APPROVER, BOOKKEEPER, EXPORT, MANAGER, agreed

KEYS = ("kick-off", "poc-design", "poc-delivered", "final-demo")
ACCOUNTS = (b.PARKLY_IBAN, "BE71 0961 2345 6769")
GRANT_STREAM = f"grant-{b.PARKLY}"

key = st.sampled_from(KEYS)
pick = st.integers(0, 7)
NEEDS = {
    "approve": PaymentStatus.REQUESTED,
    "approve-own": PaymentStatus.REQUESTED,
    "instruct": PaymentStatus.APPROVED,
    "fail": PaymentStatus.INSTRUCTED,
    "retry": PaymentStatus.FAILED,
    "reject": PaymentStatus.REQUESTED,
}
"""Payment verbs act on the pick-th payment in the status they need (with "any": on any, to be refused)."""
PAYMENT_VERBS = st.sampled_from(sorted(NEEDS))
BANK_VERBS = st.sampled_from(["bank-books", "bank-returns", "bank-mixed"])
step = st.one_of(
    st.tuples(st.just("request"), key, st.decimals(Decimal(100), Decimal(4000), places=2)),
    st.tuples(st.just("tranche"), key, st.none()),
    *[st.tuples(PAYMENT_VERBS, st.none(), pick)] * 6,
    st.tuples(PAYMENT_VERBS, st.just("any"), pick),
    *[st.tuples(st.just("retry"), st.none(), pick)] * 2,  # a returned transfer is usually retried
    *[st.tuples(st.just("export"), st.none(), st.none())] * 3,
    *[st.tuples(BANK_VERBS, st.none(), pick)] * 3,
    st.tuples(st.just("import-again"), st.none(), st.none()),
    st.tuples(st.just("account"), st.none(), st.integers(0, 1)),
    st.tuples(st.just("redeliver"), st.none(), st.none()),
)


class Run:
    def __init__(self, award: Decimal) -> None:
        self.award = award
        self.spec = agreed(*KEYS, award=str(award))
        self.last: tuple[Command, str] | None = None
        self.last_file: bytes | None = None

    def do(self, command: Command, actor: str = MANAGER) -> None:
        self.last = (command, actor)
        with contextlib.suppress(Rejected):  # refusals are part of the story
            self.spec.when(command, actor=actor)

    def payment(self, verb: str, anyone: bool, index: int) -> str | None:
        grant = GRANT.fold(self.spec.store.load(GRANT_STREAM))
        found = [p.payment_id for p in grant.payments.values() if anyone or p.status is NEEDS[verb]]
        return found[index % len(found)] if found else None

    def step(self, verb: str, k: str | None, extra: Any) -> None:
        if verb in NEEDS:
            payment = self.payment(verb, k == "any", int(extra))
            if payment is not None:
                self.on_payment(verb, payment)
        elif verb == "request":
            self.do(pay.RequestPayment(startup_id=b.PARKLY, milestone_key=str(k), amount=extra))
        elif verb == "tranche":
            self.do(pay.RequestTranche(startup_id=b.PARKLY, milestone_key=str(k)), "system:requests-tranches")
        elif verb == "export":
            self.do(EXPORT, BOOKKEEPER)
        elif verb.startswith("bank-"):
            self.bank(verb, int(extra))
        elif verb == "import-again" and self.last_file is not None:
            self.import_file(self.last_file)
        elif verb == "account":
            self.do(
                pay.ChangeBeneficiaryAccount(
                    startup_id=b.PARKLY, iban=ACCOUNTS[int(extra)], account_holder="P"
                )
            )
        elif verb == "redeliver" and self.last is not None:
            self.do(*self.last)

    def on_payment(self, verb: str, payment: str) -> None:
        command, actor = {
            "approve": (pay.ApprovePayment(payment_id=payment), APPROVER),
            "approve-own": (pay.ApprovePayment(payment_id=payment), MANAGER),
            "instruct": (pay.InstructPayment(payment_id=payment), "system:instructs-payments"),
            "fail": (pay.RecordPaymentFailure(payment_id=payment, reason="AM04"), BOOKKEEPER),
            "retry": (pay.RetryPayment(payment_id=payment), APPROVER),
            "reject": (pay.RejectPayment(payment_id=payment, reason="no"), APPROVER),
        }[verb]
        self.do(command, actor)
        if verb == "approve":  # the policy instructs it at once (a crash before: "instruct" later)
            self.do(pay.InstructPayment(payment_id=payment), "system:instructs-payments")

    def exports(self) -> list[PaymentsExported]:
        return [e for e in self.spec.store.streams["exports-brugge-2027"] if isinstance(e, PaymentsExported)]

    def bank(self, verb: str, seed: int) -> None:
        """The bank answers one exported file: books, returns, or some of each."""
        files = self.exports()
        if not files:
            return
        export = (
            files[-1] if seed < 5 else files[seed % len(files)]
        )  # mostly the latest; else again an older one
        rows = ["end_to_end_id,status,date,reference"]
        for n, line in enumerate(export.lines):
            back = verb == "bank-returns" or (verb == "bank-mixed" and (n + seed) % 2 == 0)
            rows.append(
                f"{line.end_to_end_id},{'returned' if back else 'booked'},2027-03-17,REF-{line.end_to_end_id}"
            )
        self.import_file("\n".join(rows).encode())

    def import_file(self, raw: bytes) -> None:
        self.last_file = raw
        book = Book.of(e for events in self.spec.store.streams.values() for e in events)
        planned = feedback.plan(read(raw, "bank.csv"), raw, book, BOOKKEEPER)
        if planned.problems:
            event(f"a bank file was refused whole: {refusal(planned.problems[0])}")
            return
        if not planned.commands:
            event("a bank file changed nothing (a duplicate import)")
        for _, command in planned.commands:
            self.do(command, BOOKKEEPER)

    def check(self) -> None:
        grant = GRANT.fold(self.spec.store.load(GRANT_STREAM))
        in_flight = sum((p.amount for p in grant.in_flight()), Decimal(0))
        assert grant.paid() + in_flight <= self.award, "disbursed + in flight passed the award"
        assert grant.committed() <= self.award
        exported = [e2e for export in self.exports() for e2e in export.end_to_end_ids]
        assert len(exported) == len(set(exported)), "an end-to-end id is in two files"
        disbursed = [
            e.payment_id for e in self.spec.store.load(GRANT_STREAM) if isinstance(e, PaymentDisbursed)
        ]
        assert len(disbursed) == len(set(disbursed)), "a payment was disbursed twice"


def refusal(problem: str) -> str:
    for words, kind in (
        ("returned by the bank, but", "a return of a disbursed payment"),
        ("is recorded as failed", "a booking of an attempt recorded as failed"),
        ("booked twice", "a double booking"),
        ("already disbursed with reference", "another reference for a disbursed payment"),
    ):
        if words in problem:
            return kind
    return problem


@settings(max_examples=200, deadline=None)
@given(st.decimals(Decimal(2000), Decimal(10000), places=2), st.lists(step, min_size=20, max_size=80))
def test_disbursed_and_in_flight_never_pass_the_award_and_no_transfer_is_in_two_files(
    award: Decimal, steps: list[tuple[str, str | None, Any]]
) -> None:
    run = Run(award)
    for verb, k, extra in steps:
        run.step(verb, k, extra)
        run.check()
    grant = GRANT.fold(run.spec.store.load(GRANT_STREAM))
    log = run.spec.store.load(GRANT_STREAM)
    statuses = {p.status for p in grant.payments.values()}
    for status in sorted(statuses):
        event(f"a payment reached: {status}")
    files = len(run.exports())
    event(f"files exported: {min(files, 3)}{'+' if files > 3 else ''}")
    if any(p.attempts > 1 and p.status is PaymentStatus.DISBURSED for p in grant.payments.values()):
        event("a returned transfer was retried and then booked")
    if any(isinstance(e, PaymentFailed) for e in log) and files > 1:
        event("a failure and more than one file")
    target(float(grant.paid() / award), label="share of the award disbursed")
    target(float(files), label="files exported")
    target(
        float(max((p.attempts for p in grant.payments.values()), default=0)), label="attempts of one payment"
    )
