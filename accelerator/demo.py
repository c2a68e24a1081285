"""The demo programme: Brugge and Mechelen run a six-month accelerator on a virtual clock.

Three challenges, thirteen applicants, reviews with a conflict of interest, a declined offer
filled from the waitlist, six startups through milestones (late, sent back, overdue, one
terminated), grant agreements whose tranches approved milestones request, four-eyes payment
approvals, weekly SEPA exports answered by the bank's camt.054 (one transfer returned, paid
again to a new account), a request refused at the EUR 10,000 cap, and two pilots
(accelerator/demo_finance.py); then an open cross-border call with both tracks, and a
procurement after Parkly's pilot (accelerator/demo_open.py). Every step goes through the same
commands as the CLI.
"""

from __future__ import annotations

import random
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from accelerator import demo_finance as money
from accelerator.demo_open import plan_open_innovation
from accelerator.runtime import Runtime
from events.applications import Contact
from events.base import Event
from events.payments import PaymentRejected
from events.selection import Decision
from services.intake import commands as intake
from services.intake.domain import startup_id_for
from services.kernel import PROGRAMME_TZ, Command, Rejected, VirtualClock
from services.participation import commands as acc
from services.payments import commands as pay
from services.pilots import commands as pil
from services.rules import RULES
from services.selection import commands as sel

START = date(2027, 1, 4)
COHORT_START = date(2027, 3, 1)
END = date(2027, 10, 29)

CHALLENGES = (
    intake.PublishChallenge(
        challenge_id="brugge-mobility-2027",
        city_id="brugge",
        domain="mobility",
        title="Smart loading zones in the historic centre",
        description="Fewer vans circling the Markt: detect and book free loading zones.",
        opens_on=date(2027, 1, 11),
        closes_on=date(2027, 2, 12),
    ),
    intake.PublishChallenge(
        challenge_id="brugge-clean-2027",
        city_id="brugge",
        domain="cleanliness-environment",
        title="Floating litter on the canals",
        description="Spot and map floating litter so the canal boats collect it in one round.",
        opens_on=date(2027, 1, 11),
        closes_on=date(2027, 2, 12),
    ),
    intake.PublishChallenge(
        challenge_id="mechelen-energy-2027",
        city_id="mechelen",
        domain="smart-energy",
        title="Energy-positive public buildings",
        description="Cut the energy bill of schools and sports halls with smart controls.",
        opens_on=date(2027, 1, 11),
        closes_on=date(2027, 2, 12),
    ),
)


@dataclass(frozen=True)
class Applicant:
    company: str
    enterprise_number: str
    challenge_id: str
    budget: Decimal
    strength: int
    applies_on: date


APPLICANTS = (
    Applicant("Parkly", "0403.170.701", "brugge-mobility-2027", Decimal(10000), 9, date(2027, 1, 12)),
    Applicant("Curbsense", "0428.759.497", "brugge-mobility-2027", Decimal(8000), 8, date(2027, 1, 20)),
    Applicant("Cargoroute", "0552.134.688", "brugge-mobility-2027", Decimal(9000), 7, date(2027, 1, 28)),
    Applicant("Veloflow", "0661.209.309", "brugge-mobility-2027", Decimal(6500), 5, date(2027, 2, 3)),
    Applicant("Bus Beacon", "0734.501.222", "brugge-mobility-2027", Decimal(10000), 4, date(2027, 2, 11)),
    Applicant("Litterlens", "0778.934.150", "brugge-clean-2027", Decimal(9000), 9, date(2027, 1, 14)),
    Applicant("Canal Clean", "0812.345.603", "brugge-clean-2027", Decimal(6000), 8, date(2027, 1, 25)),
    Applicant("Binsight", "0845.671.239", "brugge-clean-2027", Decimal(7000), 7, date(2027, 2, 2)),
    Applicant("Dustmap", "0670.123.411", "brugge-clean-2027", Decimal(5000), 6, date(2027, 2, 8)),
    Applicant("Watt Warden", "0501.234.929", "mechelen-energy-2027", Decimal(10000), 9, date(2027, 1, 13)),
    Applicant("Heatgrid", "0471.239.856", "mechelen-energy-2027", Decimal(10000), 8, date(2027, 1, 19)),
    Applicant("Voltloop", "0880.124.748", "mechelen-energy-2027", Decimal(7500), 7, date(2027, 1, 27)),
    Applicant("Solaris Roofs", "0741.258.360", "mechelen-energy-2027", Decimal(8500), 5, date(2027, 2, 9)),
)

REVIEWERS = ("An Peeters", "Koen Janssens", "Sofie Maes")
CONFLICT = ("Koen Janssens", "Cargoroute", "former co-founder of Cargoroute")

IBANS = {
    "Parkly": "BE83 4280 3870 1215",
    "Curbsense": "BE90 2095 5131 4832",
    "Heatgrid": "BE98 7225 5167 0793",
    "Voltloop": "BE09 4387 5410 1457",
    "Litterlens": "BE71 5698 0911 4869",
    "Canal Clean": "BE28 8884 5510 9020",
}


@dataclass(frozen=True)
class Journey:
    """How one startup's six months go: the day (after cohort start) each deliverable comes."""

    submits: dict[str, int]
    sent_back: tuple[str, ...] = ()
    payment_fails: tuple[str, ...] = ()
    terminated_on_day: int | None = None


JOURNEYS = {
    "Parkly": Journey({"kick-off": 9, "poc-design": 52, "poc-delivered": 110, "final-demo": 172}),
    "Curbsense": Journey(
        {"kick-off": 20, "poc-design": 55, "poc-delivered": 115, "final-demo": 170},
        payment_fails=("kick-off",),
    ),
    "Heatgrid": Journey(
        {"kick-off": 12, "poc-design": 50, "poc-delivered": 112, "final-demo": 171}, sent_back=("poc-design",)
    ),
    "Voltloop": Journey({"kick-off": 13}, terminated_on_day=100),
    "Litterlens": Journey({"kick-off": 10, "poc-design": 58, "poc-delivered": 118, "final-demo": 168}),
    "Canal Clean": Journey({"kick-off": 11, "poc-design": 59, "poc-delivered": 119, "final-demo": 178}),
}

Say = Callable[[str], None]


class Programme:
    """Runs the agenda day by day: the scheduler ticks first, then the day's actions."""

    def __init__(self, runtime: Runtime, clock: VirtualClock, say: Say) -> None:
        self.runtime, self.clock, self.say = runtime, clock, say
        self.agenda: dict[date, list[Callable[[], object]]] = defaultdict(list)
        self.ids = {
            a.company: startup_id_for(a.challenge_id, a.enterprise_number.replace(".", ""))
            for a in APPLICANTS
        }
        self.refusals: list[str] = []
        self.folder = Path()
        self.payments: money.PaymentRun | None = None

    def describe(self, event: Event) -> str:
        names = {v: k for k, v in self.ids.items()}
        what = getattr(event, "key", "")
        return f"{type(event).__name__} {names.get(event.subject, event.subject)} {what}".rstrip()

    def on(self, day: date, action: Callable[[], object]) -> None:
        self.agenda[day].append(action)

    def do(self, command: Command, actor: str | None = None) -> list[Event]:
        return self.runtime.handle(command, actor).events

    def refused(self, what: str, command: Command, actor: str | None = None) -> None:
        try:
            self.runtime.handle(command, actor)
        except Rejected as refusal:
            self.refusals.append(str(refusal))
            self.say(f"refused as it should be — {what}: {refusal}")
        else:
            raise AssertionError(f"the demo expected a refusal: {what}")

    def run(self) -> None:
        day = START
        while day <= END:
            self.clock.set(datetime.combine(day, time(9), PROGRAMME_TZ))
            for event in self.runtime.tick():
                self.say(f"{day}  scheduler: {self.describe(event)}")
            for action in self.agenda.pop(day, []):
                action()
            day += timedelta(days=1)


def run_demo(
    runtime: Runtime, clock: VirtualClock, say: Say = print, folder: Path | None = None
) -> Programme:
    """The whole programme; the SEPA files and the bank's answers are written in `folder`
    (default: a new temporary folder)."""
    programme = Programme(runtime, clock, say)
    programme.folder = folder or Path(tempfile.mkdtemp(prefix="accelerator-demo-"))
    _plan_calls(programme)
    _plan_selection(programme)
    _plan_accelerator(programme)
    plan_open_innovation(programme)
    programme.run()
    return programme


def _plan_calls(p: Programme) -> None:
    def publish() -> None:
        for challenge in CHALLENGES:
            p.do(challenge)
            p.say(f"{START}  {challenge.city_id} publishes {challenge.challenge_id}: {challenge.title}")

    p.on(START, publish)
    for applicant in APPLICANTS:
        p.on(applicant.applies_on, lambda a=applicant: _apply(p, a))  # type: ignore[misc]
    parkly = APPLICANTS[0]
    p.on(
        date(2027, 1, 15),
        lambda: p.refused(
            "a budget over the cap",
            _application(
                Applicant("Overreach BV", "0612.398.711", "brugge-mobility-2027", Decimal(12500), 5, START)
            ),
        ),
    )
    p.on(date(2027, 1, 21), lambda: p.refused("a second application", _application(parkly)))
    p.on(
        date(2027, 2, 10),
        lambda: p.do(
            intake.WithdrawApplication(startup_id=p.ids["Dustmap"], reason="joined another programme")
        ),
    )
    p.on(
        date(2027, 2, 15),
        lambda: p.refused(
            "an application after the call closed",
            _application(
                Applicant(
                    "Late Logistics",
                    "0612.398.711",
                    "brugge-mobility-2027",
                    Decimal(5000),
                    5,
                    START,
                )
            ),
        ),
    )


def _application(a: Applicant) -> intake.SubmitApplication:
    slug = a.company.lower().replace(" ", "")
    return intake.SubmitApplication(
        challenge_id=a.challenge_id,
        company_name=a.company,
        enterprise_number=a.enterprise_number,
        contact=Contact(name=f"Founder of {a.company}", email=f"hello@{slug}.be"),
        proposal=f"{a.company}'s proof of concept for {a.challenge_id}",
        requested_budget=a.budget,
    )


def _apply(p: Programme, a: Applicant) -> None:
    p.do(_application(a))
    p.say(f"{a.applies_on}  {a.company} applies to {a.challenge_id} for EUR {a.budget:,.0f}")


def _plan_selection(p: Programme) -> None:
    rng = random.Random(2027)
    reviewed = [a for a in APPLICANTS if a.company != "Dustmap"]

    def review() -> None:
        reviewer, company, reason = CONFLICT
        for a in reviewed:
            for name in REVIEWERS:
                p.do(sel.AssignReviewer(startup_id=p.ids[a.company], reviewer=name))
        p.do(sel.DeclareConflictOfInterest(startup_id=p.ids[company], reviewer=reviewer, reason=reason))
        p.refused(
            "a conflicted reviewer scoring",
            sel.ScoreApplication(
                startup_id=p.ids[company],
                reviewer=reviewer,
                scores=dict.fromkeys(RULES.criteria, 9),
            ),
        )
        for a in reviewed:
            for name in REVIEWERS:
                if (name, a.company) != (reviewer, company):
                    scores = {
                        c: max(0, min(10, a.strength + rng.choice((-1, 0, 0, 1)))) for c in RULES.criteria
                    }
                    p.do(sel.ScoreApplication(startup_id=p.ids[a.company], reviewer=name, scores=scores))
        p.say("2027-02-16  three reviewers scored 12 applications; one conflict of interest declared")

    def decide() -> None:
        for challenge in CHALLENGES:
            ranked = sorted(
                (a for a in reviewed if a.challenge_id == challenge.challenge_id), key=lambda a: -a.strength
            )
            for rank, a in enumerate(ranked):
                decision = (
                    Decision.SELECTED if rank < 2 else Decision.WAITLISTED if rank == 2 else Decision.REJECTED
                )
                p.do(sel.DecideApplication(startup_id=p.ids[a.company], decision=decision))
                p.say(f"2027-02-22  {a.company}: {decision}")

    def offers() -> None:
        for company in ("Parkly", "Curbsense", "Heatgrid", "Litterlens", "Canal Clean"):
            p.do(sel.AcceptOffer(startup_id=p.ids[company]))
        p.do(sel.DeclineOffer(startup_id=p.ids["Watt Warden"], reason="acquired by a utility"))
        p.do(
            sel.DecideApplication(
                startup_id=p.ids["Voltloop"],
                decision=Decision.SELECTED,
                note="from the waitlist after Watt Warden declined",
            )
        )
        p.do(sel.AcceptOffer(startup_id=p.ids["Voltloop"]))
        p.say("2027-02-26  Watt Warden declines; Voltloop comes off the waitlist and accepts")

    p.on(date(2027, 2, 16), review)
    p.on(date(2027, 2, 22), decide)
    p.on(date(2027, 2, 26), offers)


def _plan_accelerator(p: Programme) -> None:
    def start_cohort() -> None:
        cohort = tuple(p.ids[c] for c in JOURNEYS)
        p.do(acc.StartCohort(cohort_id="cohort-2027", starts_on=COHORT_START, startup_ids=cohort))
        p.say(f"{COHORT_START}  cohort-2027 starts: six startups, six months")

    p.on(COHORT_START, start_cohort)
    for company, journey in JOURNEYS.items():
        _plan_journey(p, company, journey)
    _plan_grants(p)
    _plan_extras(p)


def _plan_grants(p: Programme) -> None:
    """Agreements on day 2 (default schedule: 30 % at kick-off, 70 % at PoC delivered), and a
    payment run every Monday; the bank returns the transfers of the journeys that say so."""
    budgets = {a.company: a.budget for a in APPLICANTS}

    def agree_all() -> None:
        for company in JOURNEYS:
            money.agree(p, company, budgets[company], IBANS[company])
        p.say(f"{_day(2)}  six grant agreements: 30 % at kick-off, 70 % at PoC delivered")

    p.on(_day(2), agree_all)
    returned = {
        f"{p.ids[company]}/{key}/1/1"
        for company, journey in JOURNEYS.items()
        for key in journey.payment_fails
    }
    p.payments = money.PaymentRun(p, p.folder, returned, END)
    p.payments.plan(_day(7))
    parkly = p.ids["Parkly"]
    p.on(
        _day(15),
        lambda: p.refused(
            "changing an account while a transfer to it is with the bank",
            pay.ChangeBeneficiaryAccount(
                startup_id=parkly, iban=IBANS["Canal Clean"], account_holder="Parkly BV"
            ),
            money.PROGRAMME_MANAGER,
        ),
    )


def _day(n: int) -> date:
    return COHORT_START + timedelta(days=n)


def _plan_journey(p: Programme, company: str, journey: Journey) -> None:
    startup = p.ids[company]
    percent = {line.key: line.tranche_percent for line in RULES.plan}
    for key, n in journey.submits.items():
        p.on(
            _day(n),
            lambda k=key: p.do(
                acc.SubmitDeliverable(  # type: ignore[misc]
                    startup_id=startup,
                    key=k,
                    deliverable=f"https://files.example/{startup}/{k}.pdf",
                )
            ),
        )
        review_day = n + 2
        if key in journey.sent_back:
            p.on(
                _day(n + 2),
                lambda k=key: p.do(
                    acc.SendBackMilestone(  # type: ignore[misc]
                        startup_id=startup,
                        key=k,
                        reason="the design ignores the city's data protection rules",
                    )
                ),
            )
            p.on(
                _day(n + 8),
                lambda k=key: p.do(
                    acc.SubmitDeliverable(  # type: ignore[misc]
                        startup_id=startup,
                        key=k,
                        deliverable=f"https://files.example/{startup}/{k}-v2.pdf",
                    )
                ),
            )
            review_day = n + 10
        p.on(_day(review_day), lambda k=key: _approve(p, company, k))  # type: ignore[misc]
        if percent[key]:
            p.on(_day(review_day + 1), lambda k=key: _approve_tranche(p, company, k))  # type: ignore[misc]
    if journey.terminated_on_day:
        p.on(_day(journey.terminated_on_day), lambda: _terminate(p, company))


def _approve(p: Programme, company: str, key: str) -> None:
    p.do(acc.ApproveMilestone(startup_id=p.ids[company], key=key), money.PROGRAMME_MANAGER)
    p.say(f"{p.clock.now().date()}  {company}: milestone {key} approved (its tranche is requested)")


def _approve_tranche(p: Programme, company: str, key: str) -> None:
    """Four eyes: the finance officer approves what the programme manager's approval released."""
    approve = pay.ApprovePayment(payment_id=f"{p.ids[company]}/{key}/1")
    if (company, key) == ("Parkly", "kick-off"):
        p.refused("the milestone's approver approving its tranche", approve, money.PROGRAMME_MANAGER)
    p.do(approve, money.FINANCE_OFFICER)


def _terminate(p: Programme, company: str) -> None:
    p.do(acc.TerminateParticipation(startup_id=p.ids[company], reason="the team could not staff the PoC"))
    p.say(f"{p.clock.now().date()}  {company} leaves the programme (terminated)")


def _plan_extras(p: Programme) -> None:
    parkly, heatgrid, litterlens = p.ids["Parkly"], p.ids["Heatgrid"], p.ids["Litterlens"]

    def over_cap() -> None:
        events = p.do(
            pay.RequestPayment(
                startup_id=heatgrid,
                milestone_key="final-demo",
                amount=Decimal(1000),
                iban=IBANS["Heatgrid"],
            )
        )
        refusal = next(e for e in events if isinstance(e, PaymentRejected))
        p.say(f"{p.clock.now().date()}  Heatgrid asks EUR 1,000 more: PaymentRejected — {refusal.reason}")

    p.on(
        _day(5),
        lambda: p.do(
            acc.LendHardware(
                item_id="lidar-01", startup_id=parkly, description="Ouster OS1 lidar on a lamp post"
            )
        ),
    )
    p.on(
        _day(8),
        lambda: p.do(
            acc.LendHardware(
                item_id="air-kit-07",
                startup_id=litterlens,
                description="floating camera and air quality kit",
            )
        ),
    )
    p.on(_day(150), lambda: p.do(acc.ReturnHardware(item_id="lidar-01")))
    for n, (company, expert, topic) in enumerate(
        (
            ("Parkly", "Els Vermeulen", "GDPR for camera data"),
            ("Heatgrid", "Tom De Smet", "public procurement after a pilot"),
            ("Canal Clean", "Els Vermeulen", "working with the canal boat crews"),
            ("Curbsense", "Ines Claes", "pricing a city licence"),
        )
    ):
        p.on(
            _day(20 + 7 * n),
            lambda c=company, e=expert, t=topic: p.do(
                acc.LogExpertSession(  # type: ignore[misc]
                    startup_id=p.ids[c], expert=e, topic=t, held_on=p.clock.now().date(), hours=2
                )
            ),
        )
    p.on(_day(180), over_cap)
    p.on(_day(125), lambda: _pilot(p, "Parkly", "brugge", "Bookable loading zones on the Zand"))
    p.on(_day(126), lambda: _pilot(p, "Heatgrid", "mechelen", "Smart heating in three schools"))
    p.on(_day(130), lambda: p.do(pil.ApprovePilot(startup_id=parkly)))
    p.on(_day(131), lambda: p.do(pil.ApprovePilot(startup_id=heatgrid)))
    p.on(_day(140), lambda: p.do(pil.StartPilot(startup_id=parkly)))
    p.on(_day(200), lambda: p.do(pil.StartPilot(startup_id=heatgrid)))
    p.on(_day(230), lambda: _complete_pilot(p))


def _pilot(p: Programme, company: str, city: str, title: str) -> None:
    p.do(pil.ProposePilot(startup_id=p.ids[company], pilot_city=city, title=title))
    p.say(f"{p.clock.now().date()}  {company} proposes a pilot with {city}: {title}")


def _complete_pilot(p: Programme) -> None:
    p.do(
        pil.CompletePilot(
            startup_id=p.ids["Parkly"],
            rating=4,
            evaluation="32 % fewer vans circling; the city extends it to Sint-Anna",
        )
    )
    p.say(f"{p.clock.now().date()}  Parkly's pilot completes: rated 4 of 5")
