"""Pilots: proposed after a delivered PoC, then approved, started, completed or cancelled."""

from __future__ import annotations

from datetime import date

import pytest

from events.pilots import PilotCancelled, PilotCompleted, PilotProposed, PilotStarted
from services.kernel import Rejected
from services.pilots.commands import ApprovePilot, CancelPilot, CompletePilot, ProposePilot, StartPilot
from tests import builders as b
from tests.fakes import Spec

PILOT = f"pilot-{b.PARKLY}"
PROPOSAL = ProposePilot(startup_id=b.PARKLY, pilot_city="brugge", title="Loading zones on the Zand")


def poc_delivered() -> Spec:
    spec = Spec().given(f"participation-{b.PARKLY}", b.started(), *b.delivered("poc-delivered"))
    return spec.on(date(2027, 7, 1))


def step(spec: Spec, command: object) -> list[object]:
    """The command's events (the handler has stored them on the pilot stream)."""
    return list(spec.when(command))  # type: ignore[arg-type]


class TestProposing:
    def test_a_pilot_is_proposed_after_the_poc_is_approved(self) -> None:
        assert poc_delivered().when(PROPOSAL) == [PilotProposed(city_id="brugge", **PROPOSAL.model_dump())]

    def test_refuses_a_pilot_before_the_poc_is_delivered(self) -> None:
        spec = Spec().given(f"participation-{b.PARKLY}", b.started(), *b.delivered("kick-off"))
        with pytest.raises(Rejected, match="startup_id: .* has no delivered proof of concept"):
            spec.when(PROPOSAL)

    def test_refuses_a_second_pilot_while_one_is_live(self) -> None:
        spec = poc_delivered()
        step(spec, PROPOSAL)
        with pytest.raises(Rejected, match="already has a pilot \\(proposed\\)"):
            spec.when(PROPOSAL)


class TestRunningThePilot:
    def test_goes_from_approved_to_started_to_completed(self) -> None:
        spec = poc_delivered()
        step(spec, PROPOSAL)
        step(spec, ApprovePilot(startup_id=b.PARKLY))
        (started,) = step(spec, StartPilot(startup_id=b.PARKLY))
        assert started == PilotStarted(startup_id=b.PARKLY, city_id="brugge", started_on=date(2027, 7, 1))
        (completed,) = step(spec, CompletePilot(startup_id=b.PARKLY, evaluation="32 % fewer vans", rating=4))
        assert isinstance(completed, PilotCompleted)
        assert completed.rating == 4

    def test_cannot_start_a_pilot_that_is_not_approved(self) -> None:
        spec = poc_delivered()
        step(spec, PROPOSAL)
        with pytest.raises(Rejected, match="pilot is proposed; only a approved one can be started"):
            spec.when(StartPilot(startup_id=b.PARKLY))

    def test_a_cancelled_pilot_can_be_proposed_again(self) -> None:
        spec = poc_delivered()
        step(spec, PROPOSAL)
        (cancelled,) = step(spec, CancelPilot(startup_id=b.PARKLY, reason="budget freeze"))
        assert isinstance(cancelled, PilotCancelled)
        assert spec.when(PROPOSAL) == [PilotProposed(city_id="brugge", **PROPOSAL.model_dump())]

    def test_cannot_cancel_without_a_live_pilot(self) -> None:
        with pytest.raises(Rejected, match="has no pilot to cancel"):
            poc_delivered().when(CancelPilot(startup_id=b.PARKLY, reason="nothing"))
