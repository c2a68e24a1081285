"""One startup's six months, planned step by step on the simulation's agenda.

Deliverables come early or late (the scheduler then marks the milestone overdue), some are
sent back and submitted again; approved milestones release tranches, which finance pays,
sometimes only at the second attempt; a few startups ask for more than their award and the
request is kept on record as `PaymentRejected`; experts, lent hardware, a few terminations,
and pilots (some cancelled) after a delivered proof of concept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from accelerator.bench.people import CITIES, TOPICS, Company
from accelerator.bench.simulation import Simulation
from services.kernel import StartupCommand
from services.participation import commands as acc
from services.participation.domain import PARTICIPATION
from services.payments import commands as pay
from services.pilots import commands as pil
from services.rules import RULES, PlanLine

FINANCE = "finance@bank-sync"
POC = RULES.poc_milestone
FINAL = RULES.plan[-1].key


@dataclass
class Journey:
    sim: Simulation
    city: str
    manager: str
    startup_id: str
    company: Company
    budget: Decimal
    starts: date
    terminated: bool = False

    def plan(self) -> None:
        rng = self.sim.rng
        self.sim.watch(PARTICIPATION, self.startup_id)
        for line in RULES.plan:
            early = rng.random() < 0.75
            offset = -rng.randint(1, 10) if early else rng.randint(1, 20)
            self.later(line.due_after_days + offset, lambda line=line: self.submit(line, 1))
        for _ in range(rng.randint(0, 4)):
            self.later(rng.randint(5, 170), self.expert)
        if rng.random() < 0.2:
            self.later(rng.randint(3, 40), self.borrow)
        if rng.random() < 0.05:
            self.later(rng.randint(30, 150), self.terminate)

    def later(self, days: int, action: object) -> None:
        self.sim.on(self.sim.today + timedelta(days=days) if days else self.sim.today, action)  # type: ignore[arg-type]

    def after(self, low: int, high: int, action: object) -> None:
        self.later(self.sim.rng.randint(low, high), action)

    def do(self, command: object, actor: str | None = None) -> bool:
        if self.terminated:
            return False
        return self.sim.do(command, actor or self.manager) is not None  # type: ignore[arg-type]

    def submit(self, line: PlanLine, attempt: int) -> None:
        link = f"https://files.{self.company.mail}/{self.startup_id}/{line.key}-v{attempt}.pdf"
        command = acc.SubmitDeliverable(startup_id=self.startup_id, key=line.key, deliverable=link)
        if self.do(command, self.company.mail):
            self.after(2, 6, lambda: self.review(line, attempt))

    def review(self, line: PlanLine, attempt: int) -> None:
        if attempt == 1 and self.sim.rng.random() < 0.15:
            why = "the deliverable does not show the test on the city's data"
            if self.do(acc.SendBackMilestone(startup_id=self.startup_id, key=line.key, reason=why)):
                self.after(4, 10, lambda: self.submit(line, attempt + 1))
            return
        if not self.do(acc.ApproveMilestone(startup_id=self.startup_id, key=line.key)):
            return
        if line.tranche_percent:
            amount = (self.budget * line.tranche_percent / 100).quantize(Decimal("0.01"))
            self.after(1, 3, lambda: self.request(line.key, amount, 1))
        if line.key == POC and self.sim.rng.random() < 0.35:
            self.after(5, 15, self.propose_pilot)
        if line.key == FINAL and self.sim.rng.random() < 0.05:
            self.after(1, 5, lambda: self.request(FINAL, Decimal(1000), 1))  # past the award: on record

    def request(self, key: str, amount: Decimal, number: int) -> None:
        command = pay.RequestPayment(
            startup_id=self.startup_id, milestone_key=key, amount=amount, iban=self.company.iban
        )
        events = self.sim.do(command, self.company.mail)
        if not events or events[0].refusal() is not None:
            return
        payment_id = f"{self.startup_id}/{key}/{number}"
        if self.sim.rng.random() < 0.02:
            why = "the invoice does not match the milestone"
            self.after(
                1, 3, lambda: self.sim.do(pay.RejectPayment(payment_id=payment_id, reason=why), self.manager)
            )
            self.after(5, 8, lambda: self.request(key, amount, number + 1))
            return
        self.after(1, 2, lambda: self.approve(payment_id))

    def approve(self, payment_id: str) -> None:
        if self.sim.do(pay.ApprovePayment(payment_id=payment_id), self.manager):  # instructed at once
            self.after(2, 5, lambda: self.finance(payment_id, 1))

    def finance(self, payment_id: str, attempt: int) -> None:
        if attempt == 1 and self.sim.rng.random() < 0.08:
            why = "AC04: account closed at the bank"
            self.sim.do(pay.RecordPaymentFailure(payment_id=payment_id, reason=why), FINANCE)
            self.after(2, 4, lambda: self.retry(payment_id))
            return
        reference = f"SEPA-{self.sim.today:%Y%m%d}-{self.sim.rng.randrange(10**6):06d}"
        self.sim.do(pay.RecordDisbursement(payment_id=payment_id, bank_reference=reference), FINANCE)

    def retry(self, payment_id: str) -> None:
        if self.sim.do(pay.RetryPayment(payment_id=payment_id), self.manager):
            self.after(2, 5, lambda: self.finance(payment_id, 2))

    def expert(self) -> None:
        rng = self.sim.rng
        command = acc.LogExpertSession(
            startup_id=self.startup_id,
            expert=self.sim.people.person(),
            topic=rng.choice(TOPICS),
            held_on=self.sim.today,
            hours=rng.choice((1, 1.5, 2, 3)),
        )
        self.do(command)

    def borrow(self) -> None:
        free = self.sim.hardware.setdefault(self.city, [f"{self.city}-kit-{n}" for n in range(1, 7)])
        if not free or self.terminated:
            return
        item = free.pop(0)
        description = "air quality and noise sensor kit on a lamp post"
        if self.do(acc.LendHardware(item_id=item, startup_id=self.startup_id, description=description)):
            self.after(20, 90, lambda: self.give_back(item))
        else:
            free.append(item)

    def give_back(self, item: str) -> None:
        self.sim.do(acc.ReturnHardware(item_id=item), self.manager)
        self.sim.hardware[self.city].append(item)

    def terminate(self) -> None:
        why = "the team could not staff the proof of concept"
        if self.do(acc.TerminateParticipation(startup_id=self.startup_id, reason=why)):
            self.terminated = True

    def propose_pilot(self) -> None:
        rng = self.sim.rng
        city = self.city if rng.random() < 0.8 else rng.choice(CITIES)[0]
        title = f"{self.company.name} in {city.capitalize()}: a twelve-month pilot"
        if self.sim.do(
            pil.ProposePilot(startup_id=self.startup_id, pilot_city=city, title=title), self.manager
        ):
            self.after(3, 10, lambda: self.pilot(pil.ApprovePilot(startup_id=self.startup_id), 7, 30))

    def pilot(self, command: StartupCommand, low: int, high: int) -> None:
        if not self.sim.do(command, self.manager):
            return
        s = self.startup_id
        if isinstance(command, pil.ApprovePilot):
            self.after(low, high, lambda: self.pilot(pil.StartPilot(startup_id=s), 40, 90))
        elif isinstance(command, pil.StartPilot) and self.sim.rng.random() < 0.1:
            why = "the city's budget for the pilot was cut"
            self.after(
                low, high, lambda: self.sim.do(pil.CancelPilot(startup_id=s, reason=why), self.manager)
            )
        elif isinstance(command, pil.StartPilot):
            rating = self.sim.rng.randint(2, 5)
            evaluation = f"rated {rating} of 5 by the city's team; see the evaluation report"
            complete = pil.CompletePilot(startup_id=s, rating=rating, evaluation=evaluation)
            self.after(low, high, lambda: self.sim.do(complete, self.manager))
