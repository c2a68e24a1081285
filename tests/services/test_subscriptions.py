"""A partner city's webhook subscription: registered once, paused, resumed, replayed, ended."""

from __future__ import annotations

from datetime import date

import pytest

from events.subscriptions import (
    SubscriptionEnded,
    SubscriptionPaused,
    SubscriptionRegistered,
    SubscriptionReplayRequested,
    SubscriptionSecretRotated,
)
from services.kernel import Rejected
from services.subscriptions import commands as subs
from services.subscriptions.domain import SUBSCRIPTION, Status, wanted
from tests.fakes import Spec, at

SUB, STREAM = "sub-brugge01", "subscription-sub-brugge01"
MOMENT = at(date(2027, 3, 1))


def subscribe(**changes: object) -> subs.Subscribe:
    fields = dict(
        subscription_id=SUB,
        partner="brugge",
        url="https://erp.brugge.example/hooks",
        types=("milestones",),
        secret="sealed:c2VjcmV0",
        since=MOMENT,
    )
    return subs.Subscribe(**{**fields, **changes})


def registered() -> SubscriptionRegistered:
    return SubscriptionRegistered(**subscribe().model_dump())


class TestRegistering:
    def test_a_subscription_is_recorded_with_its_secret_sealed(self) -> None:
        (event,) = Spec().when(subscribe())
        assert isinstance(event, SubscriptionRegistered) and event.secret == "sealed:c2VjcmV0"
        assert event.city is None, "a subscription never reaches a city's feed"

    def test_an_id_is_registered_once(self) -> None:
        with pytest.raises(Rejected, match="sub-brugge01 is registered already"):
            Spec().given(STREAM, registered()).when(subscribe())

    def test_unknown_types_are_refused(self) -> None:
        with pytest.raises(Rejected, match="types: no event type or family accelerator.grants"):
            Spec().when(subscribe(types=("accelerator.grants",)))

    def test_types_name_event_types_or_families(self) -> None:
        assert wanted(("milestones",), "accelerator.milestones.milestone_approved.v1")
        assert wanted(("accelerator.pilots.*",), "accelerator.pilots.pilot_started.v1")
        assert not wanted(("pilots",), "accelerator.milestones.milestone_approved.v1")
        assert wanted((), "accelerator.payments.payment_disbursed.v1")


class TestLife:
    def test_pausing_twice_and_resuming_an_active_one_are_refused(self) -> None:
        spec = Spec().given(
            STREAM, registered(), SubscriptionPaused(subscription_id=SUB, partner="brugge", reason="x")
        )
        with pytest.raises(Rejected, match="is paused already"):
            spec.when(subs.PauseSubscription(subscription_id=SUB, reason="again"))
        with pytest.raises(Rejected, match="is not paused"):
            Spec().given(STREAM, registered()).when(subs.ResumeSubscription(subscription_id=SUB))

    def test_a_rotation_keeps_the_old_secret_valid_until_the_moment_given(self) -> None:
        (rotated,) = (
            Spec()
            .given(STREAM, registered())
            .when(subs.RotateSecret(subscription_id=SUB, secret="sealed:bmV3", previous_valid_until=MOMENT))
        )
        state = SUBSCRIPTION.fold([registered(), rotated])
        assert isinstance(rotated, SubscriptionSecretRotated)
        assert [(s.sealed, s.valid_until) for s in state.secrets] == [
            ("sealed:bmV3", None),
            ("sealed:c2VjcmV0", MOMENT),
        ]

    def test_a_replay_names_exactly_one_starting_point(self) -> None:
        spec = Spec().given(STREAM, registered())
        with pytest.raises(Rejected, match="name exactly one"):
            spec.when(subs.ReplaySubscription(subscription_id=SUB, from_position=3, since=MOMENT))
        (event,) = spec.when(subs.ReplaySubscription(subscription_id=SUB, since=MOMENT))
        assert isinstance(event, SubscriptionReplayRequested) and event.since == MOMENT

    def test_an_ended_subscription_takes_nothing_more(self) -> None:
        ended = SubscriptionEnded(
            subscription_id=SUB, partner="brugge", reason="the receiver answered 410 Gone"
        )
        spec = Spec().given(STREAM, registered(), ended)
        assert SUBSCRIPTION.fold([registered(), ended]).status is Status.ENDED
        with pytest.raises(Rejected, match=r"has ended \(the receiver answered 410 Gone\)"):
            spec.when(subs.ResumeSubscription(subscription_id=SUB))

    def test_nothing_is_done_to_a_subscription_never_registered(self) -> None:
        with pytest.raises(Rejected, match="no subscription sub-brugge01 has been registered"):
            Spec().when(subs.PauseSubscription(subscription_id=SUB, reason="x"))
