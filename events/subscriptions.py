"""Subscription events: a partner city's webhook endpoints, as the operator registered them.

A subscription is the programme's own record, never any city's business: its events carry no
`city_id`, so they reach no city's topic, feed or webhook. The signing secret travels only
sealed (`sealed:`, encrypted with the deployment's webhook key, accelerator/webhooks/secrets.py):
the log, its backups and every reader of the event topics see ciphertext.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, Field, StringConstraints

from events.base import Event, Slug, Text

SubscriptionId = Annotated[str, StringConstraints(pattern=r"^sub-[a-z0-9]{8,32}$")]
SealedSecret = Annotated[str, StringConstraints(pattern=r"^sealed:[A-Za-z0-9_=-]+$", max_length=1000)]
Endpoint = Annotated[str, StringConstraints(min_length=8, max_length=2000, pattern=r"^https?://[^\s]+$")]
TypeFilter = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_.*]{1,120}$")]


class SubscriptionEvent(Event):
    family = "subscriptions"
    subscription_id: SubscriptionId
    partner: Slug
    """The partner city whose (redacted) feed is delivered."""

    @property
    def subject(self) -> str:
        return self.subscription_id


class SubscriptionRegistered(SubscriptionEvent):
    url: Endpoint
    types: tuple[TypeFilter, ...] = ()
    """Only events of these types or families (`accelerator.milestones.*`); empty: all of them."""
    secret: SealedSecret
    since: AwareDatetime
    """Events from this moment on are delivered (older ones by a replay)."""


class SubscriptionSecretRotated(SubscriptionEvent):
    secret: SealedSecret
    previous_valid_until: AwareDatetime
    """Until then deliveries are signed with the old secret too, so the city can switch over."""


class SubscriptionPaused(SubscriptionEvent):
    reason: Text


class SubscriptionResumed(SubscriptionEvent):
    pass


class SubscriptionReplayRequested(SubscriptionEvent):
    """Deliver again what the feed held from a position, or from a moment, on."""

    from_position: int | None = Field(default=None, ge=0)
    since: AwareDatetime | None = None
    parked: bool = False
    """Only what was parked after its retries ran out."""


class SubscriptionEnded(SubscriptionEvent):
    reason: Text
