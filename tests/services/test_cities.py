"""What a city receives of the new event types: citizens' names and e-mails never reach it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import jsonschema
import pytest

from events import CATALOGUE, envelope
from events.applications import ApplicantKind, ApplicationSubmitted, Contact, Member
from events.base import Event
from events.ideas import IdeaInvited, IdeaShortlisted, IdeaSubmitted
from events.pilots import FollowUpStopped, ProcurementAwarded, RollOutAgreed
from events.programme import AnswerPublished, ChallengeAmended, QuestionAsked
from events.schemas import ROOT
from services.cities.domain import for_cities
from tests import builders as b

PERSONAL = ("Lien Claes", "lien@reiefiets.example", "Tom Peeters", "tom@reiefiets.example")
LEAD = Contact(name="Lien Claes", email="lien@reiefiets.example", phone="+32 470 12 34 56")
MEMBERS = (Member(name="Tom Peeters", email="tom@reiefiets.example"),)
CITY = {"city_id": "brugge"}

EXAMPLES: list[Event] = [
    ApplicationSubmitted(
        startup_id="st-5eed0001",
        challenge_id=b.CHALLENGE,
        kind=ApplicantKind.CITIZENS,
        applicant_name="Team Reiefiets",
        country="BE",
        contact=LEAD,
        members=MEMBERS,
        proposal="Cargo bikes",
        requested_budget=Decimal(0),
        **CITY,
    ),
    IdeaSubmitted(
        challenge_id=b.CHALLENGE,
        idea_id="idea-5eed0001",
        title="Cargo bike hub",
        summary="One hub",
        kind=ApplicantKind.CITIZENS,
        author_name="Team Reiefiets",
        country="BE",
        contact=LEAD,
        members=MEMBERS,
        **CITY,
    ),
    QuestionAsked(
        challenge_id=b.CHALLENGE, question_id="q-1", question="Camera feeds?", asked_by=LEAD, **CITY
    ),
    AnswerPublished(
        challenge_id=b.CHALLENGE, question_id="q-1", question="Camera feeds?", answer="No.", **CITY
    ),
    ChallengeAmended(challenge_id=b.CHALLENGE, note="One more week", closes_on=date(2027, 2, 19), **CITY),
    IdeaShortlisted(challenge_id=b.CHALLENGE, idea_id="idea-5eed0001", **CITY),
    IdeaInvited(challenge_id=b.CHALLENGE, idea_id="idea-5eed0001", apply_by=date(2027, 2, 28), **CITY),
    ProcurementAwarded(
        startup_id=b.PARKLY,
        buyer_city="brugge",
        procedure="innovation-partnership",
        contract_value=Decimal(185000),
        awarded_on=date(2027, 10, 22),
        **CITY,
    ),
    RollOutAgreed(startup_id=b.PARKLY, cities=("mechelen",), **CITY),
    FollowUpStopped(startup_id=b.PARKLY, reason="no tender this term", **CITY),
]


def test_every_new_event_type_has_an_example() -> None:
    new = {
        "ApplicationSubmitted",
        "IdeaSubmitted",
        "QuestionAsked",
        "AnswerPublished",
        "ChallengeAmended",
        "IdeaShortlisted",
        "IdeaInvited",
        "ProcurementAwarded",
        "RollOutAgreed",
        "FollowUpStopped",
    }
    assert {type(e).__name__ for e in EXAMPLES} == new
    assert new <= {cls.__name__ for cls in CATALOGUE}


@pytest.mark.parametrize("event", EXAMPLES, ids=lambda e: type(e).__name__)
def test_a_city_gets_the_event_without_personal_data_valid_for_its_schema(event: Event) -> None:
    ce = envelope(event, source="test", time=datetime(2027, 1, 20, tzinfo=UTC), stream="s", version=1)
    ((channel, redacted),) = for_cities(ce)
    assert channel == "city:brugge"
    wire = redacted.to_json()
    for personal in PERSONAL:
        assert personal not in wire
    assert set(redacted.data) == set(ce.data) - type(event).private
    assert redacted.dataschema is not None
    schema_file = ROOT / redacted.dataschema.split("/schemas/")[1]
    jsonschema.validate(redacted.data, json.loads(schema_file.read_text()))


def test_the_applicants_public_name_kind_and_country_still_reach_the_city() -> None:
    ce = envelope(EXAMPLES[0], source="test", time=datetime(2027, 1, 20, tzinfo=UTC), stream="s", version=1)
    ((_, redacted),) = for_cities(ce)
    assert (redacted.data["applicant_name"], redacted.data["kind"], redacted.data["country"]) == (
        "Team Reiefiets",
        "citizens",
        "BE",
    )
