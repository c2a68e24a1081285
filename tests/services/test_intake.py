"""Intake: challenges' calls and applications' eligibility."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from events.applications import ApplicationSubmitted, ApplicationWithdrawn, Contact
from events.programme import CallClosed, CallOpened, ChallengePublished
from services.intake.commands import (
    CloseCall,
    OpenCall,
    PublishChallenge,
    SubmitApplication,
    WithdrawApplication,
)
from services.kernel import Rejected
from tests import builders as b
from tests.fakes import Spec

CHALLENGE_STREAM = f"challenge-{b.CHALLENGE}"
PARKLY_STREAM = f"application-{b.PARKLY}"


def application(**changes: object) -> SubmitApplication:
    fields: dict[str, object] = dict(
        challenge_id=b.CHALLENGE,
        company_name="Parkly",
        enterprise_number="0403.170.701",
        contact=Contact(name="Lotte Parkly", email="lotte@parkly.be"),
        proposal="Bookable loading zones with curb sensors",
        requested_budget=Decimal(10000),
    )
    return SubmitApplication.model_validate({**fields, **changes})


def open_challenge(today: date = date(2027, 1, 20)) -> Spec:
    return Spec(today).given(CHALLENGE_STREAM, b.published(), b.opened())


class TestPublishingAChallenge:
    def test_publishes_with_its_call_window(self) -> None:
        command = PublishChallenge(
            challenge_id=b.CHALLENGE,
            city_id="brugge",
            domain="mobility",
            title="Smart loading zones in the historic centre",
            opens_on=date(2027, 1, 11),
            closes_on=date(2027, 2, 12),
        )
        assert Spec().when(command) == [ChallengePublished(**command.model_dump())]

    def test_refuses_a_window_that_closes_before_it_opens(self) -> None:
        command = PublishChallenge(
            challenge_id=b.CHALLENGE,
            city_id="brugge",
            domain="mobility",
            title="Backwards",
            opens_on=date(2027, 2, 12),
            closes_on=date(2027, 1, 11),
        )
        with pytest.raises(Rejected, match="closes_on: the call must close on or after"):
            Spec().when(command)

    def test_refuses_publishing_the_same_challenge_twice(self) -> None:
        spec = Spec().given(CHALLENGE_STREAM, b.published())
        with pytest.raises(Rejected, match="challenge_id: .* already published"):
            spec.when(PublishChallenge(**b.published().model_dump()))


class TestOpeningAndClosingTheCall:
    def test_opens_a_scheduled_call(self) -> None:
        spec = Spec(date(2027, 1, 11)).given(CHALLENGE_STREAM, b.published())
        assert spec.when(OpenCall(challenge_id=b.CHALLENGE)) == [b.opened()]

    def test_refuses_to_open_after_the_window(self) -> None:
        spec = Spec(date(2027, 3, 1)).given(CHALLENGE_STREAM, b.published())
        with pytest.raises(Rejected, match="challenge_id: the call window ended on 2027-02-12"):
            spec.when(OpenCall(challenge_id=b.CHALLENGE))

    def test_closes_an_open_call(self) -> None:
        spec = open_challenge()
        assert spec.when(CloseCall(challenge_id=b.CHALLENGE)) == [
            CallClosed(challenge_id=b.CHALLENGE, city_id="brugge")
        ]

    def test_refuses_to_close_a_call_that_is_not_open(self) -> None:
        spec = Spec().given(CHALLENGE_STREAM, b.published())
        with pytest.raises(Rejected, match="is not open"):
            spec.when(CloseCall(challenge_id=b.CHALLENGE))


class TestApplying:
    def test_an_eligible_application_is_submitted_under_a_key_from_company_and_challenge(self) -> None:
        events = open_challenge().when(application())
        assert events == [b.applied()]
        assert events[0].subject == b.PARKLY

    def test_the_enterprise_number_is_stored_compact(self) -> None:
        (event,) = open_challenge().when(application(enterprise_number="BE 0403 170 701"))
        assert isinstance(event, ApplicationSubmitted)
        assert event.registration is not None
        assert event.registration.number == "0403170701"

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"requested_budget": Decimal("10000.01")}, "requested_budget: must be at most EUR 10,000"),
            ({"requested_budget": Decimal(-500)}, "requested_budget: must be more than EUR 0"),
            ({"requested_budget": Decimal("99.999")}, "requested_budget: must be in whole cents"),
            ({"enterprise_number": "0403.170.702"}, "enterprise_number: '0403.170.702' is not a valid"),
            ({"challenge_id": "mechelen-energy-2027"}, "challenge_id: no challenge mechelen-energy-2027"),
        ],
    )
    def test_an_ineligible_application_is_refused(self, changes: dict[str, object], message: str) -> None:
        spec = open_challenge()
        with pytest.raises(Rejected, match=message):
            spec.when(application(**changes))
        assert PARKLY_STREAM not in spec.stored()

    def test_refuses_an_application_after_the_call_closed(self) -> None:
        spec = open_challenge(date(2027, 2, 13)).given(
            CHALLENGE_STREAM, CallClosed(challenge_id=b.CHALLENGE, city_id="brugge")
        )
        with pytest.raises(Rejected, match="challenge_id: the call for .* is not open on 2027-02-13"):
            spec.when(application())

    def test_refuses_an_application_past_the_last_day_even_if_nobody_closed_the_call(self) -> None:
        with pytest.raises(Rejected, match="not open on 2027-02-13"):
            open_challenge(date(2027, 2, 13)).when(application())

    def test_refuses_a_second_application_of_the_same_company_to_the_same_challenge(self) -> None:
        spec = open_challenge().given(PARKLY_STREAM, b.applied())
        with pytest.raises(Rejected, match="enterprise_number: company 0403170701 already applied"):
            spec.when(application(company_name="Parkly NV"))
        assert spec.stored()[PARKLY_STREAM] == [b.applied()]


class TestWithdrawing:
    def test_withdraws_a_submitted_application(self) -> None:
        spec = open_challenge().given(PARKLY_STREAM, b.applied())
        events = spec.when(WithdrawApplication(startup_id=b.PARKLY, reason="joined another programme"))
        assert events == [
            ApplicationWithdrawn(startup_id=b.PARKLY, city_id="brugge", reason="joined another programme")
        ]

    def test_refuses_to_withdraw_an_unknown_startup(self) -> None:
        with pytest.raises(Rejected, match="startup_id: no application st-unknown"):
            Spec().when(WithdrawApplication(startup_id="st-unknown", reason="typo"))

    def test_refuses_to_withdraw_after_accepting_the_offer(self) -> None:
        spec = open_challenge().given(PARKLY_STREAM, b.applied())
        spec.given(f"selection-{b.PARKLY}", b.reviewer(), b.selected(), b.accepted())
        with pytest.raises(Rejected, match="accepted its offer; the programme can terminate it"):
            spec.when(WithdrawApplication(startup_id=b.PARKLY, reason="cold feet"))


def test_opened_call_event_names_the_city() -> None:
    assert CallOpened(challenge_id=b.CHALLENGE, city_id="brugge").city == "brugge"
