"""The catalogue: schemas stay in step with the code; every event round-trips through them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from events import CATALOGUE, EVENT_TYPES, CloudEvent, envelope, parse
from events.base import Event
from events.registry import SUPERSEDED, UPCASTERS, UnknownEventType
from events.schemas import ROOT, event_schema, stale
from services.cities.domain import redact
from tests import builders as b
from tests.conftest import DemoRun

FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


def test_the_checked_in_schemas_match_the_code() -> None:
    assert stale() == [], "run: python -m events.schemas"


def test_there_is_one_schema_file_per_event_type() -> None:
    files = {p.name.removesuffix(".json") for p in (ROOT / "events").glob("*.json")}
    assert files == {cls.event_type() for cls in (*CATALOGUE, *SUPERSEDED)}


def test_event_types_follow_the_cloudevents_naming_of_the_design() -> None:
    for cls in CATALOGUE:
        prefix, family, name, version = cls.event_type().split(".")
        assert (prefix, family, version) == ("accelerator", cls.family, f"v{cls.version}")
        assert name.endswith(
            ("ed", "_declared", "_logged", "_lent", "_returned", "_overdue", "_back", "_withdrawn")
        )


@pytest.mark.parametrize("cls", CATALOGUE, ids=lambda cls: cls.__name__)
def test_every_event_type_round_trips_through_its_json_schema(cls: type[Event]) -> None:
    schema = event_schema(cls)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(from_schema(schema))
    def round_trip(data: dict[str, Any]) -> None:
        try:
            event = cls.model_validate(data)
        except ValueError:
            return  # the schema cannot say everything (an IBAN's checksum); the model refuses
        wire = json.loads(json.dumps(event.model_dump(mode="json")))
        jsonschema.validate(wire, schema, format_checker=FORMATS)
        assert cls.model_validate(wire) == event

    round_trip()


def test_an_event_travels_in_a_cloudevents_envelope_and_comes_back_equal() -> None:
    event = b.applied()
    ce = envelope(
        event,
        source="accelerator/intake",
        time=datetime(2027, 1, 12, 9, tzinfo=UTC),
        stream=f"application-{b.PARKLY}",
        version=1,
    )
    assert (ce.specversion, ce.subject, ce.city) == ("1.0", b.PARKLY, "brugge")
    assert ce.type == "accelerator.applications.application_submitted.v2"
    again = CloudEvent.from_json(ce.to_json())
    assert again == ce
    assert parse(again) == event
    jsonschema.validate(json.loads(ce.to_json()), json.loads((ROOT / "cloudevent.json").read_text()))


def test_event_ids_are_deterministic_by_stream_and_version() -> None:
    def make(version: int) -> CloudEvent:
        stream = "challenge-brugge-mobility-2027"
        return envelope(b.opened(), source="x", time=datetime.now(UTC), stream=stream, version=version)

    assert make(2).id == make(2).id
    assert make(2).id != make(3).id


def test_a_reader_ignores_fields_it_does_not_know() -> None:
    ce = envelope(b.opened(), source="x", time=datetime.now(UTC), stream="s", version=1)
    newer = ce.model_copy(update={"data": {**ce.data, "opened_by": "alderman for mobility"}})
    assert parse(newer) == b.opened()


def test_an_unknown_event_type_is_refused_with_its_name() -> None:
    ce = envelope(b.opened(), source="x", time=datetime.now(UTC), stream="s", version=1)
    with pytest.raises(
        UnknownEventType, match="type: unknown event type 'accelerator.programme.call_opened.v9'"
    ):
        parse(ce.model_copy(update={"type": "accelerator.programme.call_opened.v9"}))


def test_old_versions_are_upcast_before_they_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    old_type = "accelerator.programme.call_opened.v0"

    def v0_to_v1(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        challenge, city = data["challenge"].split("@")
        return "accelerator.programme.call_opened.v1", {"challenge_id": challenge, "city_id": city}

    monkeypatch.setitem(UPCASTERS, old_type, v0_to_v1)
    ce = CloudEvent(
        id="1",
        source="legacy",
        type=old_type,
        subject=b.CHALLENGE,
        time=datetime.now(UTC),
        data={"challenge": f"{b.CHALLENGE}@brugge"},
    )
    assert parse(ce) == b.opened()


@given(st.sampled_from(CATALOGUE))
def test_every_event_names_its_family(cls: type[Event]) -> None:
    assert cls.family in {
        "programme",
        "applications",
        "selection",
        "milestones",
        "payments",
        "pilots",
        "subscriptions",
    }


def test_every_envelope_names_the_schema_its_data_conforms_to(embedded_demo: DemoRun) -> None:
    """`dataschema` is the `$id` of a checked-in schema, and a city's copy names the redacted one."""
    by_id = {
        schema["$id"]: schema
        for folder in ("events", "city")
        for schema in (json.loads(path.read_text()) for path in (ROOT / folder).glob("*.json"))
    }
    log = embedded_demo.runtime.history()
    assert len({ce.type for ce in log}) >= 25
    for ce in log:
        assert ce.dataschema in by_id, ce.type
        jsonschema.validate(ce.data, by_id[ce.dataschema], format_checker=FORMATS)
        city = redact(ce)
        private = EVENT_TYPES[ce.type].private
        assert ("/city/" in (city.dataschema or "")) == bool(private)
        jsonschema.validate(city.data, by_id[city.dataschema or ""], format_checker=FORMATS)


def test_who_did_it_is_read_from_the_envelope_for_events_stored_before_the_field() -> None:
    """A payment requested before `requested_by` existed: its envelope's actor is the requester,
    so the four-eyes rule holds for it too."""
    from events.payments import PaymentRequested

    old = {
        "startup_id": b.PARKLY,
        "city_id": "brugge",
        "payment_id": f"{b.PARKLY}/kick-off/1",
        "milestone_key": "kick-off",
        "amount": "3000.00",
        "iban": b.PARKLY_IBAN,
    }
    ce = CloudEvent(
        id="old-1",
        source="accelerator/embedded",
        type=PaymentRequested.event_type(),
        subject=b.PARKLY,
        time=datetime(2027, 3, 12, tzinfo=UTC),
        actor="An Peeters",
        data=old,
    )
    event = parse(ce)
    assert isinstance(event, PaymentRequested) and event.requested_by == "An Peeters"
    assert parse(ce.model_copy(update={"actor": None})).requested_by is None  # type: ignore[attr-defined]


def test_the_envelope_schema_names_the_actor() -> None:
    schema = json.loads((ROOT / "cloudevent.json").read_text())
    assert "actor" in schema["properties"]


def test_new_account_data_never_reach_a_city() -> None:
    from events.exports import PaymentsExported
    from events.grants import BeneficiaryAccountChanged, GrantAgreed
    from events.payments import PaymentInstructed, PaymentRequested

    for cls in (GrantAgreed, BeneficiaryAccountChanged, PaymentRequested, PaymentInstructed):
        assert {"iban", "bic", "account_holder"} <= cls.private, cls.__name__
    assert {"lines", "debtor_iban", "debtor_bic", "debtor_name"} <= PaymentsExported.private
