"""A partner city's webhook subscription as a decider, and which feed events it wants.

Rules: a subscription id is registered once; its types name known event types or families;
a paused subscription is not paused again, an active one not resumed; a replay names exactly
one starting point; an ended subscription takes nothing more (a receiver's 410 ends it too).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from events import CloudEvent, Event
from events.base import FAMILIES
from events.registry import CATALOGUE
from events.subscriptions import (
    SubscriptionEnded,
    SubscriptionPaused,
    SubscriptionRegistered,
    SubscriptionReplayRequested,
    SubscriptionResumed,
    SubscriptionSecretRotated,
)
from services.kernel import Command, Context, Decider, Rejected, unhandled
from services.subscriptions.commands import (
    EndSubscription,
    PauseSubscription,
    ReplaySubscription,
    ResumeSubscription,
    RotateSecret,
    Subscribe,
)


class Status(StrEnum):
    NONE = "none"
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


@dataclass(frozen=True)
class Secret:
    sealed: str
    valid_until: datetime | None = None
    """None: the current secret; else a rotated-out one, still signed with until then."""


@dataclass(frozen=True)
class Subscription:
    status: Status = Status.NONE
    partner: str = ""
    url: str = ""
    types: tuple[str, ...] = ()
    since: datetime | None = None
    secrets: tuple[Secret, ...] = ()
    ended_reason: str | None = None

    def wants(self, ce: CloudEvent) -> bool:
        """Whether this feed event (of its partner's channel) is for this subscription."""
        if self.since is not None and ce.time < self.since:
            return False
        return wanted(self.types, ce.type)


def wanted(types: tuple[str, ...], event_type: str) -> bool:
    family = event_type.split(".")[1] if event_type.count(".") >= 2 else ""
    return not types or any(t in (event_type, family, f"accelerator.{family}.*") for t in types)


def evolve(state: Subscription, event: Event) -> Subscription:
    match event:
        case SubscriptionRegistered():
            return Subscription(
                Status.ACTIVE, event.partner, event.url, event.types, event.since, (Secret(event.secret),)
            )
        case SubscriptionSecretRotated():
            old = tuple(
                replace(s, valid_until=s.valid_until or event.previous_valid_until) for s in state.secrets
            )
            return replace(state, secrets=(Secret(event.secret), *old[:1]))
        case SubscriptionPaused():
            return replace(state, status=Status.PAUSED)
        case SubscriptionResumed():
            return replace(state, status=Status.ACTIVE)
        case SubscriptionEnded():
            return replace(state, status=Status.ENDED, ended_reason=event.reason)
    return state


def decide(state: Subscription, command: Command, context: Context) -> list[Event]:
    match command:
        case Subscribe():
            return subscribe(state, command)
    _existing(state, command)
    who = {"subscription_id": command.aggregate_id(), "partner": state.partner}
    match command:
        case RotateSecret():
            return [SubscriptionSecretRotated(**who, **command.model_dump(exclude={"subscription_id"}))]
        case PauseSubscription():
            if state.status is Status.PAUSED:
                raise Rejected("subscription_id", f"{command.subscription_id} is paused already")
            return [SubscriptionPaused(**who, reason=command.reason)]
        case ResumeSubscription():
            if state.status is not Status.PAUSED:
                raise Rejected("subscription_id", f"{command.subscription_id} is not paused")
            return [SubscriptionResumed(**who)]
        case ReplaySubscription():
            return [replay(who, command)]
        case EndSubscription():
            return [SubscriptionEnded(**who, reason=command.reason)]
    unhandled(command)


def subscribe(state: Subscription, command: Subscribe) -> list[Event]:
    if state.status is not Status.NONE:
        raise Rejected("subscription_id", f"{command.subscription_id} is registered already")
    unknown = [t for t in command.types if not known_filter(t)]
    if unknown:
        raise Rejected(
            "types", f"no event type or family {', '.join(unknown)} (see accelerator watch --help)"
        )
    return [SubscriptionRegistered(**command.model_dump())]


def known_filter(name: str) -> bool:
    types = {cls.event_type() for cls in CATALOGUE}
    return (
        name in types or name in FAMILIES or name.removeprefix("accelerator.").removesuffix(".*") in FAMILIES
    )


def replay(who: dict[str, str], command: ReplaySubscription) -> SubscriptionReplayRequested:
    starts = [x for x in (command.from_position is not None, command.since is not None, command.parked) if x]
    if len(starts) != 1:
        raise Rejected(
            "from_position", "name exactly one of a position, a moment (since) or the parked deliveries"
        )
    return SubscriptionReplayRequested(**who, **command.model_dump(exclude={"subscription_id"}))


def _existing(state: Subscription, command: Command) -> None:
    if state.status is Status.NONE:
        raise Rejected("subscription_id", f"no subscription {command.aggregate_id()} has been registered")
    if state.status is Status.ENDED:
        raise Rejected("subscription_id", f"{command.aggregate_id()} has ended ({state.ended_reason})")


SUBSCRIPTION: Decider[Subscription] = Decider(
    "subscription",
    Subscription(),
    evolve,
    decide,
    (Subscribe, RotateSecret, PauseSubscription, ResumeSubscription, ReplaySubscription, EndSubscription),
)
