"""Commands of the subscriptions service: a partner city's webhook endpoints.

The edge (the CLI) checks the URL against SSRF (accelerator/webhooks/guard.py) and seals the
secret before a command is given: commands carry no plain secret, and the domain stays pure.
"""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from events.base import Slug, Text
from events.subscriptions import Endpoint, SealedSecret, SubscriptionId, TypeFilter
from services.kernel import Command


class SubscriptionCommand(Command):
    subscription_id: SubscriptionId

    def aggregate_id(self) -> str:
        return self.subscription_id


class Subscribe(SubscriptionCommand):
    partner: Slug
    url: Endpoint
    types: tuple[TypeFilter, ...] = ()
    secret: SealedSecret
    since: AwareDatetime


class RotateSecret(SubscriptionCommand):
    secret: SealedSecret
    previous_valid_until: AwareDatetime


class PauseSubscription(SubscriptionCommand):
    reason: Text


class ResumeSubscription(SubscriptionCommand):
    pass


class ReplaySubscription(SubscriptionCommand):
    from_position: int | None = Field(default=None, ge=0)
    since: AwareDatetime | None = None
    parked: bool = False


class EndSubscription(SubscriptionCommand):
    reason: Text
