"""The projector's per-stream ordering: however a subject's events arrive, the same views.

On Kafka each family has its own topic, so one startup's events (its application, selection,
participation, grant, pilot and hardware streams) arrive interleaved in any order, a partition
may be read again after a crash, and a selection event may come before the application that
creates the view. `Subject` must give exactly what the log's own order gives. The events are
the demo programme's own (13 startups, 3 challenges), recorded by the embedded runtime.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

import pytest
from hypothesis import currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from events import CloudEvent, envelope, parse
from events.programme import HardwareLent, HardwareReturned
from services.projector.ordering import CREATORS, Subject
from services.projector.views import ChallengeView, Projection, StartupView
from tests import builders as b
from tests.conftest import DemoRun


@pytest.fixture(scope="module")
def log(embedded_demo: DemoRun) -> dict[str, list[CloudEvent]]:
    """Each subject's events in the order of the log."""
    by_subject: dict[str, list[CloudEvent]] = defaultdict(list)
    for ce in embedded_demo.runtime.history():
        by_subject[ce.subject].append(ce)
    return dict(by_subject)


def in_order(events: list[CloudEvent], subject: str) -> tuple[StartupView | None, ChallengeView | None]:
    """The reference: the projection applied in the log's order."""
    projection = Projection()
    for ce in events:
        projection.apply(parse(ce), ce.time)
    return projection.startups.get(subject), projection.challenges.get(subject)


@st.composite
def a_delivery(
    draw: st.DrawFn, log: dict[str, list[CloudEvent]]
) -> tuple[str, list[CloudEvent], list[CloudEvent]]:
    """A subject, what its streams had written so far (a prefix of each), and the order the
    projector receives that in: per-stream order kept (one partition each) or none at all,
    with some events delivered again."""
    subject = draw(st.sampled_from(sorted(log)))
    streams: dict[str, list[CloudEvent]] = defaultdict(list)
    for ce in log[subject]:
        streams[ce.stream or ""].append(ce)
    written = {
        s: events[: draw(st.integers(0, len(events)) | st.just(len(events)))] for s, events in streams.items()
    }
    sent = [ce for ce in log[subject] if ce in written[ce.stream or ""]]
    if draw(st.booleans()):
        event("order: each stream in order, streams interleaved")
        queues = {s: list(events) for s, events in written.items() if events}
        arrived = []
        while queues:
            stream = draw(st.sampled_from(sorted(queues)))
            arrived.append(queues[stream].pop(0))
            queues = {s: q for s, q in queues.items() if q}
    else:
        event("order: any order, but a shared stream's in order")
        arrived = shared_in_order(list(draw(st.permutations(sent))), subject)
    for again in draw(st.lists(st.sampled_from(sent), max_size=6)) if sent else []:
        # Delivered again: anywhere, but an event of a shared stream only after it came once
        # (its one partition is read again from an earlier offset, in the same order).
        first = arrived.index(again) + 1 if not (again.stream or "").endswith(f"-{subject}") else 0
        arrived.insert(draw(st.integers(first, len(arrived))), again)
    return subject, sent, arrived


def shared_in_order(arrived: list[CloudEvent], subject: str) -> list[CloudEvent]:
    """A stream shared by several subjects (`hardware-<item>`) reaches one subject only on one
    topic partition (its family's, its key's), where Kafka keeps the order: put its events back
    in order in the places they were given. A subject's own streams stay in any order."""
    shared = [i for i, ce in enumerate(arrived) if not (ce.stream or "").endswith(f"-{subject}")]
    in_order = sorted((arrived[i] for i in shared), key=lambda ce: (ce.stream or "", ce.streamversion or 0))
    by_stream: dict[str | None, list[CloudEvent]] = {}  # a stream's i-th place takes its i-th version
    for ce in in_order:
        by_stream.setdefault(ce.stream, []).append(ce)
    result = list(arrived)
    for i in shared:
        result[i] = by_stream[arrived[i].stream].pop(0)
    return result


def receive(subject: Subject, arrived: list[CloudEvent], reload_every: int) -> Subject:
    """Deliver one by one; every few events the subject is stored and read back, as the Kafka
    projector does between batches."""
    seen: set[str] = set()
    for number, ce in enumerate(arrived, start=1):
        describe(subject, ce, seen)
        subject.receive(ce)
        seen.add(ce.id)
        if reload_every and number % reload_every == 0:
            subject = read_back(subject, stored_with_views=number // reload_every % 2 == 0)
    return subject


def read_back(subject: Subject, stored_with_views: bool) -> Subject:
    """Stored as the Kafka projector stores it (its state in one row, each view in its own) and
    read back; `stored_with_views`: a state written before, with the views in it too."""
    startup = StartupView.model_validate_json(subject.startup.model_dump_json()) if subject.startup else None
    challenge = (
        ChallengeView.model_validate_json(subject.challenge.model_dump_json()) if subject.challenge else None
    )
    state = subject.model_dump_json() if stored_with_views else subject.state()
    if currently_in_test_context():
        event(f"read back: a state stored {'with' if stored_with_views else 'without'} its views")
    return Subject.model_validate_json(state).with_views(startup, challenge)


def test_a_subject_is_stored_without_its_views_and_read_back_equal(
    log: dict[str, list[CloudEvent]],
) -> None:
    subject_id = next(s for s in sorted(log) if s.startswith("st-"))
    subject = receive(Subject(subject=subject_id), log[subject_id], reload_every=0)
    assert subject.startup is not None
    assert '"startup"' not in subject.state() and '"challenge"' not in subject.state()
    assert read_back(subject, stored_with_views=False) == subject
    assert read_back(subject, stored_with_views=True) == subject


def describe(subject: Subject, ce: CloudEvent, seen: set[str]) -> None:
    if not currently_in_test_context():  # called by a plain example below
        return
    if ce.id in seen:
        event("a duplicate delivered")
    elif (ce.streamversion or 0) > subject.next_version.get(ce.stream or "", 1):
        event("an event before an earlier one of its stream (early)")
    viewless = subject.startup is None and subject.challenge is None
    if viewless and ce.type not in CREATORS and ce.subject.startswith("st-"):
        event("a startup's event before its application (creator late)")


@settings(max_examples=300, deadline=None)
@given(data=st.data(), reload_every=st.sampled_from([0, 1, 3, 7]))
def test_any_interleaving_and_duplication_gives_the_in_order_views(
    log: dict[str, list[CloudEvent]], data: st.DataObject, reload_every: int
) -> None:
    subject_id, sent, arrived = data.draw(a_delivery(log))
    subject = receive(Subject(subject=subject_id), arrived, reload_every)
    startup, challenge = in_order(sent, subject_id)
    assert subject.startup == startup
    assert subject.challenge == challenge
    if startup is not None or challenge is not None:
        assert subject.early == [], "every event of an unbroken prefix is applied"
    event(f"subject: {'startup' if subject_id.startswith('st-') else 'challenge or cohort'}")
    if len(sent) < len(log[subject_id]):
        event("some streams cut short (a moment in the middle of the programme)")


def test_the_demo_log_has_the_streams_the_property_needs(log: dict[str, list[CloudEvent]]) -> None:
    """Guards the test above against a demo that no longer exercises several streams."""
    parkly = next(events for events in log.values() if events[0].data.get("applicant_name") == "Parkly")
    kinds = {(ce.stream or "").split("-")[0] for ce in parkly}
    assert kinds >= {"application", "selection", "participation", "grant", "pilot", "hardware"}


LIDAR = "lidar-01"
WHEN = datetime(2027, 4, 1, 10, tzinfo=UTC)


def applied(startup: str, company: str) -> CloudEvent:
    submitted = b.applied().model_copy(update={"startup_id": startup, "applicant_name": company})
    return envelope(submitted, source="test", time=WHEN, stream=f"application-{startup}", version=1)


def on_loan(version: int, startup: str, returned: bool = False) -> CloudEvent:
    common = {"startup_id": startup, "city_id": "brugge", "item_id": LIDAR}
    item = (
        HardwareReturned(**common, returned_on=date(2027, 4, 2))
        if returned
        else HardwareLent(**common, description="Lidar kit", lent_on=date(2027, 4, 1))
    )
    return envelope(item, source="test", time=WHEN, stream=f"hardware-{LIDAR}", version=version)


def test_an_item_lent_before_to_another_startup_shows_on_the_second_borrowers_view() -> None:
    second = "st-c0rb5e45"
    arrived = [on_loan(3, second), applied(second, "Curbsense")]  # v1, v2: lent to and returned by Parkly
    subject = receive(Subject(subject=second), arrived, reload_every=0)
    assert subject.startup is not None
    assert subject.startup.hardware_on_loan == [LIDAR]
    returned = receive(subject, [on_loan(4, second, returned=True), on_loan(3, second)], reload_every=0)
    assert returned.startup is not None and returned.startup.hardware_on_loan == []


def test_an_item_lent_again_after_another_borrower_shows_on_the_view_again() -> None:
    """Parkly has the lidar (v1, v2), then Curbsense (v3, v4, never seen here), then Parkly
    again (v5): a gap in the stream as Parkly sees it, not an event to wait for."""
    first = "st-9a7c1e00"
    arrived = [applied(first, "Parkly"), on_loan(1, first), on_loan(2, first, returned=True)]
    subject = receive(
        Subject(subject=first), [*arrived, on_loan(5, first), on_loan(2, first, returned=True)], 0
    )
    assert subject.startup is not None and subject.startup.hardware_on_loan == [LIDAR]
    assert subject.early == [] and subject.next_version[f"hardware-{LIDAR}"] == 6


def test_a_borrowers_lending_and_return_waiting_for_its_application_are_applied_in_order() -> None:
    """Lent and returned both come before the application (another topic): once the view
    exists, they are applied in the order they came, and the item is back."""
    first = "st-9a7c1e00"
    arrived = [on_loan(1, first), on_loan(2, first, returned=True), applied(first, "Parkly")]
    subject = receive(Subject(subject=first), arrived, reload_every=0)
    assert subject.startup is not None and subject.startup.hardware_on_loan == []
    assert subject.startup.events == 3 and subject.early == []
