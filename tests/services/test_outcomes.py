"""Outcomes: after a completed pilot, a procurement, a roll-out, or a stop."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from events.pilots import (
    FollowUpStopped,
    PilotApproved,
    PilotCompleted,
    PilotProposed,
    PilotStarted,
    ProcurementAwarded,
    ProcurementProcedure,
    RollOutAgreed,
)
from services.kernel import Rejected
from services.pilots.commands import RecordProcurement, RecordRollOut, StopFollowUp
from tests import builders as b
from tests.fakes import Spec

PILOT = [
    PilotProposed(startup_id=b.PARKLY, city_id="brugge", pilot_city="brugge", title="Loading zones"),
    PilotApproved(startup_id=b.PARKLY, city_id="brugge"),
    PilotStarted(startup_id=b.PARKLY, city_id="brugge", started_on=date(2027, 7, 19)),
]
COMPLETED = PilotCompleted(
    startup_id=b.PARKLY,
    city_id="brugge",
    completed_on=date(2027, 10, 17),
    evaluation="32 % fewer vans",
    rating=4,
)
CONTRACT = RecordProcurement(
    startup_id=b.PARKLY,
    buyer_city="brugge",
    procedure=ProcurementProcedure.INNOVATION_PARTNERSHIP,
    contract_value=Decimal("185000.00"),
    awarded_on=date(2027, 10, 22),
    reference="BRG-2027-114",
)
OUTCOME = f"outcome-{b.PARKLY}"


def completed() -> Spec:
    return Spec(date(2027, 10, 25)).given(f"pilot-{b.PARKLY}", *PILOT, COMPLETED)


def test_a_procurement_is_recorded_after_a_completed_pilot() -> None:
    assert completed().when(CONTRACT) == [ProcurementAwarded(city_id="brugge", **CONTRACT.model_dump())]


def test_a_contract_is_not_bound_by_the_grant_cap_but_is_worth_something() -> None:
    (event,) = completed().when(CONTRACT.model_copy(update={"contract_value": Decimal("2400000")}))
    assert isinstance(event, ProcurementAwarded)
    with pytest.raises(Rejected, match="contract_value: must be more than EUR 0"):
        completed().when(CONTRACT.model_copy(update={"contract_value": Decimal(0)}))


def test_refuses_an_outcome_before_the_pilot_is_completed() -> None:
    spec = Spec(date(2027, 10, 25)).given(f"pilot-{b.PARKLY}", *PILOT)
    with pytest.raises(Rejected, match="startup_id: .*'s pilot is started; outcomes follow a completed one"):
        spec.when(CONTRACT)
    assert OUTCOME not in spec.stored()


def test_a_roll_out_grows_with_new_cities_only() -> None:
    spec = completed()
    spec.when(RecordRollOut(startup_id=b.PARKLY, cities=("mechelen",)))
    assert spec.when(RecordRollOut(startup_id=b.PARKLY, cities=("kortrijk", "gent"))) == [
        RollOutAgreed(startup_id=b.PARKLY, city_id="brugge", cities=("kortrijk", "gent"))
    ]
    with pytest.raises(Rejected, match="cities: already rolled out to mechelen"):
        spec.when(RecordRollOut(startup_id=b.PARKLY, cities=("mechelen",)))


def test_a_stop_is_final_and_only_when_nothing_followed() -> None:
    spec = completed()
    stop = StopFollowUp(startup_id=b.PARKLY, reason="no budget for a tender this term")
    assert spec.when(stop) == [FollowUpStopped(city_id="brugge", **stop.model_dump())]
    with pytest.raises(Rejected, match="follow-up was stopped"):
        spec.when(CONTRACT)
    bought = completed()
    bought.when(CONTRACT)
    with pytest.raises(Rejected, match="already has a procurement or a roll-out"):
        bought.when(stop)


def test_refuses_a_contract_dated_in_the_future() -> None:
    with pytest.raises(Rejected, match="awarded_on: a contract is recorded once awarded"):
        completed().when(CONTRACT.model_copy(update={"awarded_on": date(2027, 11, 1)}))
