"""The demo's open-innovation part: a framed cross-border call with both tracks, and what
follows Parkly's pilot.

Mechelen publishes a summer call on heat stress, framed in public (context, goals, offer,
published criteria with weights, eligibility for the Interreg partners' countries, timeline,
a mailbox for questions) with an accelerator and an ideas track. A Dutch company from Delft
asks a question, gets a public answer and applies with its NL VAT number; the deadline is
extended by an amendment; a team of Mechelen residents submits an idea that is shortlisted
and invited, and applies after the call closed (no grant for citizens in this call). Both are
scored on the published criteria and accept their offers for the autumn cohort. Parkly's
completed pilot ends in a procurement by Brugge and a roll-out to Mechelen.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from events.applications import ApplicantKind, Contact, Member
from events.framing import Criterion, DatasetOnOffer, Eligibility, Offer, TimelineEntry, Track
from events.pilots import ProcurementProcedure
from events.selection import Decision
from services.intake import commands as intake
from services.intake import open_commands as open_call
from services.intake.open_call import idea_id_for
from services.pilots import commands as pil
from services.selection import commands as sel

if TYPE_CHECKING:
    from accelerator.demo import Programme

CLIMATE = "mechelen-climate-2027"
CRITERIA = (
    Criterion(key="impact", title="Cooler streets for the most exposed residents", weight_percent=40),
    Criterion(key="feasibility", title="Can run on the city's sensors within six months", weight_percent=30),
    Criterion(key="involvement", title="Residents take part in design and upkeep", weight_percent=30),
)
DELFT = intake.SubmitApplication(
    challenge_id=CLIMATE,
    company_name="Koeltegel",
    enterprise_number="NL814553321B01",
    contact=Contact(name="Sanne de Vries", email="sanne@koeltegel.nl"),
    proposal="Water-retaining pavement tiles with soil sensors, from our Delft test street",
    requested_budget=Decimal(8000),
)
LEAD = Contact(name="Lien Claes", email="lien.claes@groenegevels.example")
TEAM = "Team Groene Gevels"
IDEA = open_call.SubmitIdea(
    challenge_id=CLIMATE,
    title="Green facades by street, planted by the residents",
    summary="Neighbours adopt a facade garden; the city lends the planters and a moisture sensor per street.",
    author_name=TEAM,
    kind=ApplicantKind.CITIZENS,
    country="BE",
    contact=LEAD,
    members=(Member(name="Tom Peeters"), Member(name="Aicha Benali", email="aicha@groenegevels.example")),
)
OTHER_IDEA = open_call.SubmitIdea(
    challenge_id=CLIMATE,
    title="Misting posts at tram stops",
    summary="Solar-powered misting at the ten hottest stops.",
    author_name="Lille Urban Lab",
    kind=ApplicantKind.CITIZENS,
    country="FR",
    contact=Contact(name="Camille Martin", email="camille@urbanlab.example"),
)
TEAM_APPLIES = intake.SubmitApplication(
    challenge_id=CLIMATE,
    company_name=TEAM,
    kind=ApplicantKind.CITIZENS,
    country="BE",
    contact=LEAD,
    members=IDEA.members,
    proposal="Facade gardens on three streets of the Ganzendries, with a moisture sensor each",
    requested_budget=Decimal(0),
    invitation=idea_id_for(CLIMATE, LEAD.email),
)
APPLICANTS = {"Koeltegel": DELFT, TEAM: TEAM_APPLIES}
"""The open call's applicants by name (their startup ids follow from the commands)."""


def publish() -> intake.PublishChallenge:
    return intake.PublishChallenge(
        challenge_id=CLIMATE,
        city_id="mechelen",
        domain="climate-adaptation",
        title="Cooler streets: heat stress in the city centre",
        description="Measure and lower the heat in the streets where it hurts most.",
        context="On hot days the stone centre stays 6 °C warmer than the Vrijbroekpark at night.",
        solution_types=("nature-based solutions", "sensor networks", "citizen science"),
        goals=("2 °C cooler on the ten hottest streets by 2030", "residents involved in every street"),
        offer=Offer(
            budget_cap=Decimal(8000),
            sensors=("20 temperature and soil moisture sensors",),
            datasets=(DatasetOnOffer(title="Heat map 2026", url="https://data.mechelen.example/heat-2026"),),
            expert_hours=20,
        ),
        eligibility=Eligibility(countries=("BE", "NL", "FR", "GB")),
        criteria=CRITERIA,
        timeline=(
            TimelineEntry(on=date(2027, 6, 1), what="the call opens"),
            TimelineEntry(on=date(2027, 7, 9), what="the call closes"),
            TimelineEntry(on=date(2027, 11, 8), what="the autumn cohort starts"),
        ),
        questions_to="open-innovatie@mechelen.example",
        tracks=(Track.ACCELERATOR, Track.IDEAS),
        opens_on=date(2027, 6, 1),
        closes_on=date(2027, 7, 9),
    )


def plan_open_innovation(p: Programme) -> None:
    for name, command in APPLICANTS.items():
        p.ids[name] = command.aggregate_id()
    _plan_call(p)
    _plan_review(p)
    _plan_follow_up(p)


def _plan_call(p: Programme) -> None:
    def step(day: date, text: str, command: object) -> None:
        def run() -> None:
            p.do(command)  # type: ignore[arg-type]
            p.say(f"{day}  {text}")

        p.on(day, run)

    step(date(2027, 5, 3), f"mechelen publishes {CLIMATE}, framed, open to BE, NL, FR and GB", publish())
    step(
        date(2027, 6, 3),
        "Koeltegel (Delft) asks whether the heat map may be combined with its own data",
        open_call.AskQuestion(
            challenge_id=CLIMATE,
            question="May we combine the 2026 heat map with data from our Delft test street?",
            asked_by=DELFT.contact,
        ),
    )
    step(
        date(2027, 6, 7),
        "the programme answers q-1 to every applicant",
        open_call.PublishAnswer(
            challenge_id=CLIMATE, question_id="q-1", answer="Yes: the heat map is open data (CC BY 4.0)."
        ),
    )
    step(date(2027, 6, 8), f"{TEAM} submits an idea", IDEA)
    step(date(2027, 6, 14), "Koeltegel (NL) applies for EUR 8,000", DELFT)
    step(date(2027, 6, 21), "Lille Urban Lab submits an idea", OTHER_IDEA)
    step(
        date(2027, 6, 28),
        f"{CLIMATE} is amended: one more week",
        intake.AmendChallenge(
            challenge_id=CLIMATE,
            note="Deadline moved a week after questions about the heat map",
            closes_on=date(2027, 7, 16),
        ),
    )
    idea_id = idea_id_for(CLIMATE, LEAD.email)
    step(
        date(2027, 7, 19),
        f"mechelen shortlists {TEAM}'s idea",
        open_call.ShortlistIdea(challenge_id=CLIMATE, idea_id=idea_id),
    )
    step(
        date(2027, 7, 20),
        f"{TEAM} is invited into the accelerator track",
        open_call.InviteIdea(challenge_id=CLIMATE, idea_id=idea_id, apply_by=date(2027, 7, 30)),
    )
    step(date(2027, 7, 23), f"{TEAM} applies on its invitation (citizens: no grant)", TEAM_APPLIES)


def _plan_review(p: Programme) -> None:
    scores = {"Koeltegel": (8, 8, 6), TEAM: (7, 6, 10)}

    def review() -> None:
        for name, (impact, feasibility, involvement) in scores.items():
            for reviewer in ("An Peeters", "Sofie Maes"):
                p.do(sel.AssignReviewer(startup_id=p.ids[name], reviewer=reviewer))
                marks = {"impact": impact, "feasibility": feasibility, "involvement": involvement}
                p.do(sel.ScoreApplication(startup_id=p.ids[name], reviewer=reviewer, scores=marks))
        p.say("2027-07-26  two reviewers score the open call on its published criteria")

    def decide() -> None:
        for name in scores:
            p.do(sel.DecideApplication(startup_id=p.ids[name], decision=Decision.SELECTED))
            p.do(sel.AcceptOffer(startup_id=p.ids[name]))
        p.say("2027-08-02  Koeltegel and Team Groene Gevels join the autumn cohort")

    p.on(date(2027, 7, 26), review)
    p.on(date(2027, 8, 2), decide)


def _plan_follow_up(p: Programme) -> None:
    def procure() -> None:
        p.do(
            pil.RecordProcurement(
                startup_id=p.ids["Parkly"],
                buyer_city="brugge",
                procedure=ProcurementProcedure.INNOVATION_PARTNERSHIP,
                contract_value=Decimal(185000),
                awarded_on=date(2027, 10, 22),
                reference="BRG-2027-114",
            )
        )
        p.do(
            pil.RecordRollOut(
                startup_id=p.ids["Parkly"], cities=("mechelen",), note="loading zones on the Bruul"
            )
        )
        p.say("2027-10-25  Brugge buys Parkly's loading zones (EUR 185,000); Mechelen rolls them out")

    p.on(date(2027, 10, 25), procure)
