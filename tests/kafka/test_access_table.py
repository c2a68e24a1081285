"""The ACL table (pure): who may read and write what, before any broker is asked."""

from __future__ import annotations

from accelerator.kafka.access import WORKER_ROLES, Grant, Resource, grants
from accelerator.kafka.topics import Names
from events.base import FAMILIES
from services.routing import SERVICES, WRITES

NAMES = Names("t1.")
EVERYONE = (*WORKER_ROLES, "finance", "city-brugge")


def granted(role: str, operation: str) -> set[str]:
    return {g.name + ("*" if g.prefixed else "") for g in grants(NAMES, role) if g.operation == operation}


def test_a_city_reads_its_own_topic_with_its_own_groups_and_nothing_else() -> None:
    assert set(grants(NAMES, "city-brugge")) == {
        Grant(Resource.TOPIC, "t1.accelerator.city.brugge", "READ"),
        Grant(Resource.GROUP, "t1.city.brugge.", "READ", prefixed=True),
    }


def test_finance_reads_only_the_finance_topic_and_writes_only_payments_commands() -> None:
    assert {g.name for g in grants(NAMES, "finance") if g.resource == "topic" and g.operation == "READ"} == {
        "t1.accelerator.finance.payments"
    }
    assert granted("finance", "WRITE") == {"t1.accelerator.commands.payments"}


def test_only_a_service_writes_event_topics_and_only_its_own_families() -> None:
    for role in EVERYONE:
        written = {name for name in granted(role, "WRITE") if ".events." in name}
        declared = {NAMES.events(f) for f in WRITES.get(role, ())}
        assert written == (declared if role in SERVICES else set()), role


def test_personal_data_is_read_only_where_it_is_needed() -> None:
    raw = {NAMES.events(f) for f in FAMILIES if f != "subscriptions"}
    readers = {role for role in EVERYONE if granted(role, "READ") & raw}
    assert "deliveries" not in readers and "city-brugge" not in readers and "finance" not in readers
    finance_readers = {role for role in EVERYONE if NAMES.finance in granted(role, "READ")}
    assert finance_readers == {"finance", "exporter"}  # the bank's systems, and the SEPA file writer


def test_only_the_cities_feed_may_create_topics_and_only_city_topics() -> None:
    creators = {role: granted(role, "CREATE") for role in EVERYONE if granted(role, "CREATE")}
    assert creators == {"cities": {"t1.accelerator.city.*"}}


def test_the_scheduler_sees_where_the_event_topics_end_and_not_what_they_hold() -> None:
    events = {NAMES.events(f) for f in FAMILIES}
    assert granted("scheduler", "DESCRIBE") == events
    assert not granted("scheduler", "READ") & events
