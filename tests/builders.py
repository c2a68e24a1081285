"""Distinctive example events: Brugge's 2027 mobility challenge and its applicants."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from events.applications import ApplicantKind, ApplicationSubmitted, Contact, Registration
from events.milestones import DeliverableSubmitted, MilestoneApproved
from events.programme import AcceleratorStarted, CallOpened, ChallengePublished, PlannedMilestone
from events.selection import ApplicationDecided, Decision, OfferAccepted, ReviewerAssigned
from services.intake.domain import startup_id_for
from services.rules import RULES

CHALLENGE = "brugge-mobility-2027"
PARKLY_NUMBER = "0403170701"
PARKLY = startup_id_for(CHALLENGE, PARKLY_NUMBER)
PARKLY_IBAN = "BE83428038701215"
PARKLY_BIC = "KREDBEBB"
CITY_IBAN = "BE68539007547034"
"""The programme's debtor account (the city's)."""
COHORT_START = date(2027, 3, 1)


def published(opens: date = date(2027, 1, 11), closes: date = date(2027, 2, 12)) -> ChallengePublished:
    return ChallengePublished(
        challenge_id=CHALLENGE,
        city_id="brugge",
        domain="mobility",
        title="Smart loading zones in the historic centre",
        opens_on=opens,
        closes_on=closes,
    )


def opened() -> CallOpened:
    return CallOpened(challenge_id=CHALLENGE, city_id="brugge")


def applied(budget: Decimal = Decimal(10000)) -> ApplicationSubmitted:
    return ApplicationSubmitted(
        startup_id=PARKLY,
        challenge_id=CHALLENGE,
        city_id="brugge",
        kind=ApplicantKind.COMPANY,
        applicant_name="Parkly",
        country="BE",
        registration=Registration(scheme="be-enterprise", number=PARKLY_NUMBER),
        contact=Contact(name="Lotte Parkly", email="lotte@parkly.be"),
        proposal="Bookable loading zones with curb sensors",
        requested_budget=budget,
    )


def reviewer(name: str = "An Peeters") -> ReviewerAssigned:
    return ReviewerAssigned(startup_id=PARKLY, city_id="brugge", reviewer=name)


def selected() -> ApplicationDecided:
    return ApplicationDecided(
        startup_id=PARKLY, city_id="brugge", decision=Decision.SELECTED, average_score=Decimal("8.10")
    )


def accepted() -> OfferAccepted:
    return OfferAccepted(startup_id=PARKLY, city_id="brugge")


def started(start: date = COHORT_START) -> AcceleratorStarted:
    plan = tuple(
        PlannedMilestone(
            key=line.key,
            title=line.title,
            due_on=start + timedelta(days=line.due_after_days),
            tranche_percent=line.tranche_percent,
        )
        for line in RULES.plan
    )
    return AcceleratorStarted(
        startup_id=PARKLY,
        city_id="brugge",
        cohort_id="cohort-2027",
        starts_on=start,
        ends_on=date(2027, 9, 1),
        milestones=plan,
    )


def delivered(key: str) -> list[DeliverableSubmitted | MilestoneApproved]:
    percent = next(line.tranche_percent for line in RULES.plan if line.key == key)
    return [
        DeliverableSubmitted(startup_id=PARKLY, city_id="brugge", key=key, deliverable=f"{key}.pdf"),
        MilestoneApproved(startup_id=PARKLY, city_id="brugge", key=key, tranche_percent=percent),
    ]
