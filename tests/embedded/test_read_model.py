"""The read model's lists: a page at a time, filtered, in one order; names found by index."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from accelerator.embedded.runtime import EmbeddedRuntime
from services.projector import read_model
from services.projector.views import StartupView

COMPANIES = [("Parkly", "brugge-mobility-2027", "brugge", "selected"),
             ("Curbsense", "brugge-mobility-2027", "brugge", "rejected"),
             ("Litterlens", "brugge-clean-2027", "brugge", "selected"),
             ("Straße Labs", "gent-mobility-2027", "gent", "applied"),
             ("Heatgrid", "mechelen-energy-2027", "mechelen", "selected"),
             ("heatgrid", "gent-mobility-2027", "gent", "applied")]  # fmt: skip


@pytest.fixture
def session(runtime: EmbeddedRuntime) -> Iterator[Session]:
    with Session(runtime.engine) as session:
        views = [
            StartupView(
                startup_id=f"st-{n:08x}", company_name=name, challenge_id=challenge, city_id=city, phase=phase
            )
            for n, (name, challenge, city, phase) in enumerate(COMPANIES)
        ]
        read_model.save_startups(session, views)
        session.commit()
        yield session


def names(views: list[StartupView]) -> list[str]:
    return [v.company_name for v in views]


def test_startups_are_listed_by_challenge_then_company_a_page_at_a_time(session: Session) -> None:
    every = read_model.startups_page(session, limit=None)
    assert names(every) == ["Litterlens", "Curbsense", "Parkly", "Straße Labs", "heatgrid", "Heatgrid"]
    assert names(read_model.startups_page(session, limit=2, page=2)) == ["Parkly", "Straße Labs"]
    assert read_model.startups_page(session, limit=2, page=4) == []


def test_startups_are_filtered_by_city_phase_and_challenge(session: Session) -> None:
    assert names(read_model.startups_page(session, city="gent")) == ["Straße Labs", "heatgrid"]
    assert names(read_model.startups_page(session, phase="selected")) == ["Litterlens", "Parkly", "Heatgrid"]
    assert names(read_model.startups_page(session, city="brugge", challenge="brugge-mobility-2027",
                                          phase="selected")) == ["Parkly"]  # fmt: skip
    assert read_model.count_startups(session, city="brugge") == 3


def test_a_startup_is_found_by_id_prefix_or_name_in_any_case(session: Session) -> None:
    assert read_model.find_startups(session, "st-00000000") == ["st-00000000"]
    assert read_model.find_startups(session, "st-0000000") == [f"st-{n:08x}" for n in range(6)]
    assert read_model.find_startups(session, "PARKLY") == ["st-00000000"]
    assert read_model.find_startups(session, "heatgrid") == ["st-00000004", "st-00000005"]
    assert read_model.find_startups(session, "STRASSE LABS") == []  # ASCII: by the index, as spelled
    assert read_model.find_startups(session, "straße labs") == ["st-00000003"]
    assert read_model.find_startups(session, "Nobody") == []
    assert read_model.startup(session, "st-00000002").company_name == "Litterlens"  # type: ignore[union-attr]
    assert read_model.startup(session, "st-ffffffff") is None
