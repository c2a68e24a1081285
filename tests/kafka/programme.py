"""A small programme on the Kafka runtime: startups in the accelerator with approved milestones."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from accelerator.kafka.client import KafkaRuntime
from events.applications import Contact
from events.selection import Decision
from services.intake import commands as intake
from services.intake.domain import startup_id_for
from services.kernel import VirtualClock
from services.participation import commands as acc
from services.selection import commands as sel
from tests import builders as b
from tests.fakes import at

SCORES = dict.fromkeys(("impact", "innovation", "feasibility", "team"), 8)


def enterprise_number(n: int) -> str:
    base = f"0{700000 + n:07d}"
    return f"{base}{97 - int(base) % 97:02d}"


def accelerate(runtime: KafkaRuntime, clock: VirtualClock, companies: int, challenge: str) -> list[str]:
    """`companies` startups of one challenge, in the accelerator, kick-off and PoC approved."""
    clock.set(at(date(2027, 1, 4)))
    runtime.handle(intake.PublishChallenge(**b.published().model_dump() | {"challenge_id": challenge}))
    clock.set(at(date(2027, 1, 11)))
    runtime.tick()
    ids = []
    for n in range(companies):
        number = enterprise_number(n)
        runtime.handle(
            intake.SubmitApplication(
                challenge_id=challenge,
                company_name=f"Sensor Startup {n}",
                enterprise_number=number,
                contact=Contact(name="Founder", email=f"founder{n}@example.be"),
                proposal="A PoC",
                requested_budget=Decimal(10000),
            )
        )
        ids.append(startup_id_for(challenge, number))
    for startup in ids:
        runtime.handle(sel.AssignReviewer(startup_id=startup, reviewer="An Peeters"))
        runtime.handle(sel.ScoreApplication(startup_id=startup, reviewer="An Peeters", scores=SCORES))
        runtime.handle(sel.DecideApplication(startup_id=startup, decision=Decision.SELECTED))
        runtime.handle(sel.AcceptOffer(startup_id=startup))
    clock.set(at(b.COHORT_START))
    runtime.handle(
        acc.StartCohort(cohort_id=f"cohort-{challenge}", starts_on=b.COHORT_START, startup_ids=tuple(ids))
    )
    for startup in ids:
        for key in ("kick-off", "poc-delivered"):
            runtime.handle(acc.SubmitDeliverable(startup_id=startup, key=key, deliverable=f"{key}.pdf"))
            runtime.handle(acc.ApproveMilestone(startup_id=startup, key=key))
    return ids
