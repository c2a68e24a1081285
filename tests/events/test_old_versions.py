"""Old events stay readable: a v1 application or challenge, as stored before open calls, is
upcast, decided on, projected, and a store of the previous version is re-projected."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from events import legacy, parse
from events.applications import ApplicantKind, ApplicationSubmitted, Contact
from events.framing import Eligibility
from events.programme import CallOpened, ChallengePublished
from events.registry import envelope
from services.kernel import Metadata
from services.projector.views import Projection
from tests import builders as b

OLD_CHALLENGE = legacy.ChallengePublished(
    challenge_id=b.CHALLENGE,
    city_id="brugge",
    domain="mobility",
    title="Smart loading zones in the historic centre",
    description="Fewer vans circling the Markt.",
    opens_on=date(2027, 1, 11),
    closes_on=date(2027, 2, 12),
)
OLD_APPLICATION = legacy.ApplicationSubmitted(
    startup_id=b.PARKLY,
    challenge_id=b.CHALLENGE,
    city_id="brugge",
    company_name="Parkly",
    enterprise_number=b.PARKLY_NUMBER,
    contact=Contact(name="Lotte Parkly", email="lotte@parkly.be"),
    proposal="Bookable loading zones with curb sensors",
    requested_budget=Decimal(10000),
)
T = datetime(2027, 1, 12, 9, tzinfo=UTC)


def test_a_v1_application_envelope_is_read_as_a_belgian_company() -> None:
    ce = envelope(OLD_APPLICATION, source="intake", time=T, stream=f"application-{b.PARKLY}", version=1)
    assert ce.type == "accelerator.applications.application_submitted.v1"
    assert parse(ce) == b.applied()


def test_a_v1_challenge_envelope_keeps_who_could_apply_then() -> None:
    ce = envelope(OLD_CHALLENGE, source="intake", time=T, stream=f"challenge-{b.CHALLENGE}", version=1)
    event = parse(ce)
    assert isinstance(event, ChallengePublished)
    assert event.criteria == ()  # scored on the programme's default criteria
    assert event.eligibility == Eligibility(
        kinds=(ApplicantKind.COMPANY, ApplicantKind.SELF_EMPLOYED, ApplicantKind.KNOWLEDGE_INSTITUTION),
        countries=("BE",),
    )


def test_old_events_project_into_the_views_they_always_did() -> None:
    projection = Projection()
    for n, old in enumerate((OLD_CHALLENGE, OLD_APPLICATION), start=1):
        stream = f"{'challenge' if n == 1 else 'application'}-{old.subject}"
        ce = envelope(old, source="intake", time=T, stream=stream, version=1)
        projection.apply(parse(ce), ce.time)
    view = projection.startups[b.PARKLY]
    assert (view.company_name, view.enterprise_number, view.kind, view.country) == (
        "Parkly",
        b.PARKLY_NUMBER,
        "company",
        "BE",
    )
    assert projection.challenges[b.CHALLENGE].description == "Fewer vans circling the Markt."


def test_a_store_of_the_previous_version_is_re_projected_when_opened(tmp_path: Path) -> None:
    from sqlalchemy import create_engine

    from accelerator.bootstrap import embedded
    from accelerator.settings import Settings
    from services.kernel import VirtualClock

    store = tmp_path / "2026.db"
    runtime = embedded(Settings(store=store), VirtualClock(T))
    meta = Metadata("lotte@parkly.be")
    runtime.store.append(f"challenge-{b.CHALLENGE}", 0, [OLD_CHALLENGE, b.opened()], meta)
    runtime.store.append(f"application-{b.PARKLY}", 0, [OLD_APPLICATION], meta)
    runtime.catch_up()
    raw = create_engine(f"sqlite:///{store}")
    with raw.begin() as connection:  # as the previous version left it: views without the new fields
        connection.exec_driver_sql("UPDATE challenge_view SET view = json_remove(view, '$.description')")
        connection.exec_driver_sql("PRAGMA user_version=2")
    raw.dispose()
    again = embedded(Settings(store=store), VirtualClock(T))
    (challenge,) = again.challenges()
    assert (challenge.description, challenge.status) == ("Fewer vans circling the Markt.", "open")
    assert [v.company_name for v in again.startups()] == ["Parkly"]
    assert isinstance(again.store.load(f"application-{b.PARKLY}")[0], ApplicationSubmitted)
    assert isinstance(again.store.load(f"challenge-{b.CHALLENGE}")[1], CallOpened)
