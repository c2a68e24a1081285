"""One contract for every EventStore: what `execute` relies on, whatever keeps the log.

The same test cases run against the SQLite log of the embedded runtime, the in-memory fake
of the unit tests, and the Kafka service worker's outbox over its replica of the log (one
outbox per command, committed into the replica once the command's transaction is). A store
that keeps envelopes also says which events a command caused, with who gave it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from accelerator.embedded.files import open_engine
from accelerator.embedded.store import SqliteEventStore
from accelerator.kafka.replica import Outbox, Replica
from events import CloudEvent, Event, parse
from events.envelope import event_id
from services.kernel import Clock, ConcurrencyConflict, EventStore, Metadata, VirtualClock
from tests import builders as b
from tests.fakes import InMemoryStore

CHALLENGE = f"challenge-{b.CHALLENGE}"
APPLICATION = f"application-{b.PARKLY}"
META = Metadata("An Peeters")
COMMAND = "cmd-brugge-2027-0042"


class EventStoreContract:
    """The cases every store must pass. Subclasses provide the `store` fixture and, when the
    store keeps envelopes, `caused_by`."""

    keeps_envelopes = True

    def caused_by(self, store: EventStore, command_id: str) -> list[CloudEvent]:
        raise NotImplementedError

    def test_appended_events_load_back_in_the_order_they_were_appended(self, store: EventStore) -> None:
        store.append(CHALLENGE, 0, [b.published()], META)
        store.append(CHALLENGE, 1, [b.opened()], META)
        assert store.load(CHALLENGE) == [b.published(), b.opened()]

    def test_events_appended_together_keep_their_order(self, store: EventStore) -> None:
        store.append(
            APPLICATION, 0, [b.applied(), b.reviewer("An Peeters"), b.reviewer("Koen Janssens")], META
        )
        assert store.load(APPLICATION) == [b.applied(), b.reviewer("An Peeters"), b.reviewer("Koen Janssens")]

    def test_a_stream_nobody_wrote_loads_empty(self, store: EventStore) -> None:
        store.append(CHALLENGE, 0, [b.published()], META)
        assert store.load("challenge-mechelen-energy-2027") == []
        assert store.load(f"grant-{b.PARKLY}") == []

    def test_each_stream_has_its_own_versions(self, store: EventStore) -> None:
        store.append(CHALLENGE, 0, [b.published(), b.opened()], META)
        store.append(APPLICATION, 0, [b.applied()], META)
        assert store.load(APPLICATION) == [b.applied()]
        assert store.load(CHALLENGE) == [b.published(), b.opened()]

    def test_a_stale_expected_version_is_refused_and_nothing_is_written(self, store: EventStore) -> None:
        store.append(CHALLENGE, 0, [b.published()], META)
        with pytest.raises(ConcurrencyConflict):
            store.append(CHALLENGE, 0, [b.published(), b.opened()], META)
        assert store.load(CHALLENGE) == [b.published()]

    def test_an_expected_version_past_the_end_is_refused(self, store: EventStore) -> None:
        store.append(CHALLENGE, 0, [b.published()], META)
        with pytest.raises(ConcurrencyConflict):
            store.append(CHALLENGE, 2, [b.opened()], META)
        with pytest.raises(ConcurrencyConflict):
            store.append(APPLICATION, 1, [b.applied()], META)
        assert store.load(CHALLENGE) == [b.published()]
        assert store.load(APPLICATION) == []

    def test_the_envelopes_say_who_gave_which_command_and_where_each_event_stands(
        self, store: EventStore
    ) -> None:
        if not self.keeps_envelopes:
            pytest.skip(f"{type(store).__name__} keeps events, not envelopes")
        store.append(CHALLENGE, 0, [b.published()], Metadata("Koen Janssens", "cmd-brugge-2027-0041"))
        store.append(CHALLENGE, 1, [b.opened(), b.opened()], Metadata("An Peeters", COMMAND))
        caused = self.caused_by(store, COMMAND)
        assert [parse(ce) for ce in caused] == [b.opened(), b.opened()]
        assert [(ce.actor, ce.causationid) for ce in caused] == [("An Peeters", COMMAND)] * 2
        assert [(ce.stream, ce.streamversion) for ce in caused] == [(CHALLENGE, 2), (CHALLENGE, 3)]
        assert [ce.id for ce in caused] == [event_id(CHALLENGE, 2), event_id(CHALLENGE, 3)]
        assert {ce.subject for ce in caused} == {b.CHALLENGE} and {ce.city for ce in caused} == {"brugge"}
        assert self.caused_by(store, "cmd-never-given") == []

    def test_an_envelope_is_dated_by_the_metadata_or_else_the_clock(
        self, store: EventStore, clock: VirtualClock
    ) -> None:
        if not self.keeps_envelopes:
            pytest.skip(f"{type(store).__name__} keeps events, not envelopes")
        back_dated = datetime(2027, 1, 2, 9, tzinfo=UTC)
        store.append(CHALLENGE, 0, [b.published()], Metadata("An Peeters", "cmd-1", back_dated))
        store.append(CHALLENGE, 1, [b.opened()], Metadata("An Peeters", "cmd-2"))
        assert [ce.time for ce in self.caused_by(store, "cmd-1")] == [back_dated]
        assert [ce.time for ce in self.caused_by(store, "cmd-2")] == [clock.now()]


class TestTheSqliteLog(EventStoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path, clock: VirtualClock) -> SqliteEventStore:
        return SqliteEventStore(open_engine(tmp_path / "log.db"), clock)

    def caused_by(self, store: EventStore, command_id: str) -> list[CloudEvent]:
        assert isinstance(store, SqliteEventStore)
        return store.caused_by([command_id])

    def test_positions_are_global_in_the_order_of_appends(self, store: SqliteEventStore) -> None:
        store.append(CHALLENGE, 0, [b.published()], META)
        store.append(APPLICATION, 0, [b.applied()], META)
        store.append(CHALLENGE, 1, [b.opened()], META)
        assert [(p, ce.stream) for p, ce in store.read_after(0)] == [
            (1, CHALLENGE),
            (2, APPLICATION),
            (3, CHALLENGE),
        ]

    def test_a_refused_write_leaves_the_log_head_where_it_was(self, store: SqliteEventStore) -> None:
        store.append(CHALLENGE, 0, [b.published()], META)
        with pytest.raises(ConcurrencyConflict):
            store.append(CHALLENGE, 0, [b.published()], META)
        assert store.head() == 1


class TestTheInMemoryFake(EventStoreContract):
    keeps_envelopes = False

    @pytest.fixture
    def store(self) -> InMemoryStore:
        return InMemoryStore()


class OutboxPerCommand:
    """What a Kafka service worker does for each command: an `Outbox` over its replica,
    committed into the replica once the command's transaction has committed (here: at once)."""

    def __init__(self, clock: Clock) -> None:
        self.replica, self.clock = Replica(), clock

    def outbox(self) -> Outbox:
        return Outbox(self.replica, self.clock, "accelerator/payments")

    def load(self, stream: str) -> list[Event]:
        return self.outbox().load(stream)

    def append(self, stream: str, expected_version: int, events: Sequence[Event], meta: Metadata) -> None:
        outbox = self.outbox()
        outbox.append(stream, expected_version, events, meta)
        outbox.commit()


class TestTheKafkaOutboxOverItsReplica(EventStoreContract):
    @pytest.fixture
    def store(self, clock: VirtualClock) -> OutboxPerCommand:
        return OutboxPerCommand(clock)

    def caused_by(self, store: EventStore, command_id: str) -> list[CloudEvent]:
        assert isinstance(store, OutboxPerCommand)
        return store.replica.by_cause.get(command_id, [])

    def test_a_command_sees_its_own_events_before_they_are_committed(self, store: OutboxPerCommand) -> None:
        outbox = store.outbox()
        outbox.append(CHALLENGE, 0, [b.published()], META)
        outbox.append(CHALLENGE, 1, [b.opened()], META)
        assert outbox.load(CHALLENGE) == [b.published(), b.opened()]
        assert store.replica.load(CHALLENGE) == [], "nothing is in the log before the transaction commits"
        outbox.commit()
        assert store.replica.load(CHALLENGE) == [b.published(), b.opened()]

    def test_an_event_read_again_from_its_topic_is_taken_once(self, store: OutboxPerCommand) -> None:
        outbox = store.outbox()
        outbox.append(CHALLENGE, 0, [b.published()], Metadata("An Peeters", COMMAND))
        outbox.commit()
        assert store.replica.add(outbox.pending[0]) is False
        assert store.load(CHALLENGE) == [b.published()]
        assert len(store.replica.by_cause[COMMAND]) == 1
