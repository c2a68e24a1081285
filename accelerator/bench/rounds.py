"""One city's round of the programme, planned on the simulation's agenda: challenges and
their calls, applications (a few refused), withdrawals, reviews with conflicts of interest,
decisions, offers declined and filled from the waitlist, and the cohort that starts the
six months (`journeys.py` follows each startup through them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from accelerator.bench.journeys import Journey
from accelerator.bench.people import Company
from accelerator.bench.simulation import Simulation
from events.applications import Contact
from events.programme import ChallengeDomain
from events.selection import Decision
from services.intake import commands as intake
from services.intake.domain import CHALLENGE, startup_id_for
from services.participation import commands as acc
from services.rules import RULES
from services.selection import commands as sel

FORGET_AFTER = timedelta(days=420)
"""A round is over by then (six months from its cohort, pilots included): its streams go."""


@dataclass
class Applicant:
    company: Company
    challenge_id: str
    startup_id: str
    budget: Decimal
    strength: float
    withdrawn: bool = False


@dataclass
class Round:
    sim: Simulation
    city: str
    country: str
    number: int
    start: date
    manager: str = ""
    applicants: list[Applicant] = field(default_factory=list)
    streams: list[str] = field(default_factory=list)
    waitlists: dict[str, list[Applicant]] = field(default_factory=dict)
    offered: list[Applicant] = field(default_factory=list)
    cohort: list[Applicant] = field(default_factory=list)

    def plan(self) -> None:
        rng = self.sim.rng
        self.manager = f"programme@{self.city}.{self.country}"
        opens = self.start + timedelta(days=7)
        closes = opens + timedelta(days=rng.randint(28, 42))
        domains = rng.sample(list(ChallengeDomain), rng.choice((1, 2, 2, 3, 3, 4)))
        for domain in domains:
            challenge_id = f"{self.city}-{domain.value}-{self.start.year}-{self.number}"
            self._publish(challenge_id, domain, opens, closes)
            for _ in range(rng.randint(10, 36)):
                self._applicant(challenge_id, opens, closes)
        reviews = closes + timedelta(days=3)
        self.sim.on(reviews, self._review)
        self.sim.on(reviews + timedelta(days=6), self._decide)
        self.sim.on(reviews + timedelta(days=10), self._offers)
        self.sim.on(reviews + timedelta(days=rng.randint(20, 30)), self._cohort)
        self.sim.on(self.start + FORGET_AFTER, lambda: self.sim.forget(self.streams))

    def _publish(self, challenge_id: str, domain: ChallengeDomain, opens: date, closes: date) -> None:
        command = intake.PublishChallenge(
            challenge_id=challenge_id,
            city_id=self.city,
            domain=domain,
            title=f"{domain.value.replace('-', ' ').capitalize()} in {self.city.capitalize()}",
            description=f"{self.city.capitalize()} looks for a proof of concept in {domain.value}.",
            opens_on=opens,
            closes_on=closes,
        )
        self.sim.on(self.start, lambda: self.sim.do(command, self.manager))
        self.sim.watch(CHALLENGE, challenge_id)
        self.streams.append(f"challenge-{challenge_id}")

    def _applicant(self, challenge_id: str, opens: date, closes: date) -> None:
        rng = self.sim.rng
        company = self.sim.people.company(self.country)
        budget = Decimal(rng.randrange(3000, 10001, 250))
        number = company.number.replace(".", "")
        applicant = Applicant(
            company, challenge_id, startup_id_for(challenge_id, number), budget, rng.random()
        )
        self.applicants.append(applicant)
        self.streams += [f"{p}-{applicant.startup_id}" for p in ("application", "selection")]
        self.streams += [f"{p}-{applicant.startup_id}" for p in ("participation", "grant", "pilot")]
        day = opens + timedelta(days=rng.randint(0, (closes - opens).days))
        self.sim.on(day, lambda: self.sim.do(application(applicant), company.mail))
        if rng.random() < 0.03:  # the same company tries again: one application per challenge
            self.sim.on(
                day + timedelta(days=2), lambda: self.sim.refuse(application(applicant), company.mail)
            )
        if rng.random() < 0.02:  # too late
            self.sim.on(closes + timedelta(days=1), lambda: self._late(applicant))
        if rng.random() < 0.04:
            self.sim.on(closes + timedelta(days=1), lambda: self._withdraw(applicant))

    def _late(self, applicant: Applicant) -> None:
        late = self.sim.people.company(self.country)
        other = Applicant(late, applicant.challenge_id, "", applicant.budget, 0)
        self.sim.refuse(application(other), late.mail)

    def _withdraw(self, applicant: Applicant) -> None:
        applicant.withdrawn = True
        command = intake.WithdrawApplication(
            startup_id=applicant.startup_id, reason="joined another programme"
        )
        self.sim.do(command, applicant.company.mail)

    def _review(self) -> None:
        rng = self.sim.rng
        reviewers = [self.sim.people.person() for _ in range(3)]
        for applicant in self._active():
            for reviewer in reviewers:
                self.sim.do(
                    sel.AssignReviewer(startup_id=applicant.startup_id, reviewer=reviewer), self.manager
                )
            conflicted = rng.choice(reviewers) if rng.random() < 0.05 else None
            if conflicted:
                why = "former colleague of the founder"
                self.sim.do(
                    sel.DeclareConflictOfInterest(
                        startup_id=applicant.startup_id, reviewer=conflicted, reason=why
                    ),
                    conflicted,
                )
                self.sim.refuse(self._score(applicant, conflicted), conflicted)
            for reviewer in reviewers:
                if reviewer != conflicted:
                    self.sim.do(self._score(applicant, reviewer), reviewer)

    def _score(self, applicant: Applicant, reviewer: str) -> sel.ScoreApplication:
        base = 3 + applicant.strength * 6
        scores = {c: max(0, min(10, round(base + self.sim.rng.uniform(-1.5, 1.5)))) for c in RULES.criteria}
        return sel.ScoreApplication(startup_id=applicant.startup_id, reviewer=reviewer, scores=scores)

    def _active(self) -> list[Applicant]:
        return [a for a in self.applicants if not a.withdrawn]

    def _decide(self) -> None:
        for challenge_id in dict.fromkeys(a.challenge_id for a in self.applicants):
            ranked = sorted(
                (a for a in self._active() if a.challenge_id == challenge_id), key=lambda a: -a.strength
            )
            selected = self.sim.rng.randint(2, 5)
            for rank, a in enumerate(ranked):
                decision = (
                    Decision.SELECTED
                    if rank < selected
                    else Decision.WAITLISTED
                    if rank < selected + 2
                    else Decision.REJECTED
                )
                self.sim.do(sel.DecideApplication(startup_id=a.startup_id, decision=decision), self.manager)
            self.waitlists[challenge_id] = ranked[selected : selected + 2]
            self.offered += ranked[:selected]

    def _offers(self) -> None:
        for a in self.offered:
            if self.sim.rng.random() < 0.1:
                self.sim.do(
                    sel.DeclineOffer(startup_id=a.startup_id, reason="acquired by a larger company"),
                    a.company.mail,
                )
                waiting = self.waitlists[a.challenge_id]
                if waiting:
                    self._promote(waiting.pop(0))
            else:
                self._accept(a)

    def _promote(self, a: Applicant) -> None:
        note = "from the waitlist after an offer was declined"
        self.sim.do(
            sel.DecideApplication(startup_id=a.startup_id, decision=Decision.SELECTED, note=note),
            self.manager,
        )
        self._accept(a)

    def _accept(self, a: Applicant) -> None:
        self.sim.do(sel.AcceptOffer(startup_id=a.startup_id), a.company.mail)
        self.cohort.append(a)

    def _cohort(self) -> None:
        if not self.cohort:
            return
        cohort_id = f"{self.city}-cohort-{self.start.year}-{self.number}"
        starts = self.sim.today
        ids = tuple(a.startup_id for a in self.cohort)
        self.sim.do(acc.StartCohort(cohort_id=cohort_id, starts_on=starts, startup_ids=ids), self.manager)
        self.streams.append(f"cohort-{cohort_id}")
        for a in self.cohort:
            Journey(self.sim, self.city, self.manager, a.startup_id, a.company, a.budget, starts).plan()


def application(a: Applicant) -> intake.SubmitApplication:
    return intake.SubmitApplication(
        challenge_id=a.challenge_id,
        company_name=a.company.name,
        enterprise_number=a.company.number,
        contact=Contact(name=f"Founder of {a.company.name}", email=f"hello@{a.company.mail}"),
        proposal=f"{a.company.name}'s proof of concept for {a.challenge_id}: a pilot-ready service "
        "measured on the city's own data, with a plan for a second city.",
        requested_budget=a.budget,
    )
