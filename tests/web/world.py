"""A small two-city programme for the web tests, built through commands on any runtime, and
a token for every role.

Brugge: Parkly (in the accelerator, kick-off approved, a tranche requested with its IBAN) and
Curbsense (scored by An Peeters and Koen Janssens, not decided). Mechelen: Watt Warden (in
the accelerator, its kick-off deliverable waiting for approval), reviewed by Sofie Maes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from accelerator.runtime import Runtime
from accelerator.web.roles import Role
from accelerator.web.tokens import TokenStore
from events.applications import Contact
from events.selection import Decision
from services.intake import commands as intake
from services.intake.identity import startup_id_for
from services.kernel import VirtualClock
from services.participation import commands as acc
from services.payments import commands as pay
from services.selection import commands as sel
from tests.fakes import at

BRUGGE = "brugge-mobility-2027"
MECHELEN = "mechelen-energy-2027"
PARKLY = startup_id_for(BRUGGE, "0403170701")
CURBSENSE = startup_id_for(BRUGGE, "0428759497")
WATT = startup_id_for(MECHELEN, "0501234929")
PARKLY_IBAN = "BE83 4280 3870 1215"
PARKLY_EMAIL = "lotte@parkly.be"
PAYMENT = f"{PARKLY}/kick-off/1"
SCORES = {"impact": 8, "innovation": 7, "feasibility": 8, "team": 9}

ROLES = {
    "manager": ("manager", "An Programme"),
    "finance": ("finance", "Finn Finance"),
    "brugge": ("city:brugge", "Brugge integrator"),
    "mechelen": ("city:mechelen", "Mechelen integrator"),
    "reviewer": ("reviewer", "An Peeters"),
    "sofie": ("reviewer", "Sofie Maes"),
    "parkly": (f"startup:{PARKLY}", "Lotte Peeters"),
    "watt": (f"startup:{WATT}", "Wout Warden"),
    "revoked": ("manager", "Former Manager"),
}


@dataclass
class World:
    runtime: Runtime
    clock: VirtualClock
    tokens: dict[str, str] = field(default_factory=dict)


def application(challenge: str, company: str, number: str, email: str) -> intake.SubmitApplication:
    return intake.SubmitApplication(
        challenge_id=challenge,
        company_name=company,
        enterprise_number=number,
        contact=Contact(name=f"Founder of {company}", email=email),
        proposal=f"{company}'s proof of concept",
        requested_budget=Decimal(10000),
    )


def build(runtime: Runtime, clock: VirtualClock) -> None:
    do = runtime.handle
    clock.set(at(date(2027, 1, 4)))
    for challenge, city, domain in ((BRUGGE, "brugge", "mobility"), (MECHELEN, "mechelen", "smart-energy")):
        do(
            intake.PublishChallenge(
                challenge_id=challenge,
                city_id=city,
                domain=domain,
                title=f"{city.capitalize()} {domain} challenge",
                opens_on=date(2027, 1, 11),
                closes_on=date(2027, 2, 12),
            )
        )
    clock.set(at(date(2027, 1, 11)))
    runtime.tick()
    clock.set(at(date(2027, 1, 20)))
    do(application(BRUGGE, "Parkly", "0403.170.701", PARKLY_EMAIL))
    do(application(BRUGGE, "Curbsense", "0428.759.497", "hello@curbsense.be"))
    do(application(MECHELEN, "Watt Warden", "0501.234.929", "hello@wattwarden.be"))
    clock.set(at(date(2027, 2, 16)))
    for startup, reviewers in (
        (PARKLY, ("An Peeters", "Koen Janssens")),
        (CURBSENSE, ("An Peeters", "Koen Janssens")),
        (WATT, ("Sofie Maes",)),
    ):
        for reviewer in reviewers:
            do(sel.AssignReviewer(startup_id=startup, reviewer=reviewer))
            do(sel.ScoreApplication(startup_id=startup, reviewer=reviewer, scores=SCORES))
    for startup in (PARKLY, WATT):
        do(sel.DecideApplication(startup_id=startup, decision=Decision.SELECTED))
        do(sel.AcceptOffer(startup_id=startup))
    clock.set(at(date(2027, 3, 1)))
    do(acc.StartCohort(cohort_id="cohort-2027", starts_on=date(2027, 3, 1), startup_ids=(PARKLY, WATT)))
    clock.set(at(date(2027, 3, 8)))
    for startup in (PARKLY, WATT):
        do(
            acc.SubmitDeliverable(
                startup_id=startup, key="kick-off", deliverable="https://files.example/kick-off.pdf"
            )
        )
    do(acc.ApproveMilestone(startup_id=PARKLY, key="kick-off"))
    do(
        pay.RequestPayment(
            startup_id=PARKLY, milestone_key="kick-off", amount=Decimal(3000), iban=PARKLY_IBAN
        )
    )


def issue_tokens(tokens: TokenStore) -> dict[str, str]:
    issued = {name: tokens.create(Role.parse(role), holder) for name, (role, holder) in ROLES.items()}
    tokens.revoke(issued["revoked"].principal.token_id)
    return {name: i.token for name, i in issued.items()}
