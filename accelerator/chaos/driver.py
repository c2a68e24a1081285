"""The programme the chaos run drives: cities, challenges, applicants through selection, the
accelerator, tranches (some failing and retried, finance answering twice) and pilots.

Every command is sent with an id of its own and waited for until answered, however long a
fault lasts: a command that was sent is answered once its service is back; sending it again
under the same id is safe (the service answers a repeated id with its first outcome).
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as daytime
from decimal import Decimal

from accelerator.kafka.client import KafkaRuntime
from accelerator.runtime import Unavailable
from events.applications import Contact
from events.selection import Decision
from services.intake import commands as intake
from services.intake.identity import startup_id_for
from services.kernel import PROGRAMME_TZ, Command, Rejected, VirtualClock
from services.participation import commands as acc
from services.payments import commands as pay
from services.rules import RULES
from services.selection import commands as sel

CITIES = ("brugge", "mechelen", "gent")
IBAN = "BE83 4280 3870 1215"
APPROVER = "Marie Claes"
"""Finance's officer: approves the payments the programme (the runtime's own actor) requested."""


ANSWER_SECONDS = 300
"""How long the driver asks one command again: a fault lasts seconds, a broker restart about a
minute, and an attempt may wait for its reply for `reply_timeout_seconds`."""


class Unanswered(Unavailable):
    """A command the runtime never answered, however often asked."""


@dataclass
class Sent:
    answered: dict[str, bool] = field(default_factory=dict)
    """command id -> accepted (True) or refused (False)."""
    resent: int = 0


def enterprise_number(n: int) -> str:
    base = f"0{700000 + n:07d}"
    return f"{base}{97 - int(base) % 97:02d}"


class Driver:
    def __init__(self, runtime: KafkaRuntime, clock: VirtualClock, until: float, seed: int = 2027) -> None:
        self.runtime, self.clock, self.until = runtime, clock, until
        self.rng = random.Random(seed)
        self.sent = Sent()
        self.numbers = iter(range(10**6))

    def time_left(self) -> bool:
        return time.monotonic() < self.until

    def do(self, command: Command, actor: str | None = None) -> bool:
        """Send until answered (same id each time); True if accepted, False if refused."""
        command_id = str(uuid.uuid4())
        try:
            self._until_answered(
                type(command).__name__,
                lambda: self.runtime.handle(command, actor=actor, command_id=command_id),
            )
        except Rejected:
            self.sent.answered[command_id] = False
            return False
        self.sent.answered[command_id] = True
        return True

    def day(self, when: date) -> None:
        self.clock.set(datetime.combine(when, daytime(10), PROGRAMME_TZ))

    def tick(self) -> None:
        self._until_answered("a deadline check", self.runtime.tick)

    def _until_answered(self, what: str, attempt: Callable[[], object]) -> None:
        """Again and again while the broker or a worker is away (the same command id: safe),
        but not for ever: a client or service that never answers ends the run, not hangs it."""
        give_up = time.monotonic() + ANSWER_SECONDS
        while True:
            try:
                attempt()
                return
            except (Unavailable, TimeoutError, OSError) as error:
                if time.monotonic() > give_up:
                    raise Unanswered(
                        f"chaos: {what} still unanswered after {ANSWER_SECONDS} s: {error}"
                    ) from error
                self.sent.resent += 1

    def programmes(self) -> Iterator[str]:
        """One small programme after another, until the time is up."""
        round_ = 0
        while self.time_left():
            round_ += 1
            city = CITIES[round_ % len(CITIES)]
            yield f"{city}-chaos-{round_}"

    def run(self) -> Sent:
        start = date(2027, 1, 4)
        for n, challenge in enumerate(self.programmes()):
            self._programme(challenge, start + timedelta(days=400 * n))
        return self.sent

    def _programme(self, challenge: str, start: date) -> None:
        self.day(start)
        opens, closes = start + timedelta(days=7), start + timedelta(days=40)
        city = challenge.split("-")[0]
        self.do(
            intake.PublishChallenge(
                challenge_id=challenge,
                city_id=city,
                domain="mobility",
                title=f"Chaos {challenge}",
                opens_on=opens,
                closes_on=closes,
            )
        )
        self.day(opens)
        self.tick()
        startups = [self._apply(challenge) for _ in range(4)]
        self.day(closes + timedelta(days=2))
        self.tick()
        selected = [s for s in startups if self._select(s)]
        cohort_start = closes + timedelta(days=20)
        self.day(cohort_start)
        self.do(
            acc.StartCohort(
                cohort_id=f"cohort-{challenge}", starts_on=cohort_start, startup_ids=tuple(selected)
            )
        )
        self._journeys(selected, cohort_start)

    def _apply(self, challenge: str) -> str:
        number = enterprise_number(next(self.numbers))
        self.do(
            intake.SubmitApplication(
                challenge_id=challenge,
                company_name=f"Chaos Company {number[-4:]}",
                enterprise_number=number,
                contact=Contact(name="Founder", email="founder@example.be"),
                proposal="A proof of concept",
                requested_budget=Decimal(self.rng.choice((8000, 10000))),
            )
        )
        return startup_id_for(challenge, number)

    def _select(self, startup: str) -> bool:
        scores = {c: self.rng.randint(5, 9) for c in RULES.criteria}
        self.do(sel.AssignReviewer(startup_id=startup, reviewer="An Peeters"))
        self.do(sel.ScoreApplication(startup_id=startup, reviewer="An Peeters", scores=scores))
        decision = Decision.SELECTED if self.rng.random() < 0.75 else Decision.REJECTED
        self.do(sel.DecideApplication(startup_id=startup, decision=decision))
        return decision is Decision.SELECTED and self.do(sel.AcceptOffer(startup_id=startup))

    def _journeys(self, startups: list[str], start: date) -> None:
        """Milestone after milestone, every startup's deliverable, approval and tranche."""
        for line in RULES.plan:
            self.day(start + timedelta(days=line.due_after_days - 2))
            for startup in startups:
                self.do(
                    acc.SubmitDeliverable(startup_id=startup, key=line.key, deliverable=f"{line.key}.pdf")
                )
                self.do(acc.ApproveMilestone(startup_id=startup, key=line.key))
                if line.tranche_percent:
                    self._tranche(startup, line.key, Decimal(80 * line.tranche_percent))
        for startup in startups:  # one tranche more, past the cap or the award: PaymentRejected
            last = RULES.plan[-1].key
            self.do(
                pay.RequestPayment(startup_id=startup, milestone_key=last, amount=Decimal(9000), iban=IBAN)
            )

    def _tranche(self, startup: str, key: str, amount: Decimal) -> None:
        payment = f"{startup}/{key}/1"
        self.do(pay.RequestPayment(startup_id=startup, milestone_key=key, amount=amount, iban=IBAN))
        self.do(pay.ApprovePayment(payment_id=payment), actor=APPROVER)  # four eyes
        if self.rng.random() < 0.3:  # the bank refuses; the programme retries
            self.do(pay.RecordPaymentFailure(payment_id=payment, reason="AC04: account closed"))
            self.do(pay.RetryPayment(payment_id=payment))
        answers: list[Callable[[], Command]] = [
            lambda: pay.RecordDisbursement(payment_id=payment, bank_reference=f"SEPA-{payment}")
        ] * self.rng.choice((1, 2))  # finance systems answer twice too
        for answer in answers:
            self.do(answer())
