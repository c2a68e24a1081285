"""Every consumer of the event log, declared once; each runtime runs them all the same way.

A consumer has a name (its tracking row on the embedded runtime, its consumer group on
Kafka), the event types it reads, and a handler of one of four kinds:

- `Policy`: reacts to an event with commands (pure). The runtime runs them as the actor
  `system:<name>`, with ids derived from the event (`reaction_id`), so a redelivered event
  asks for the same command, which its service recognises and answers as the first time.
- `Projection`: folds events into the read model (services/projector); the runtime stores
  the views and the consumer's position in one transaction.
- `Feed`: republishes events on channels (a city's feed); the runtime writes them, with its
  position, to a table (embedded) or a topic (Kafka) in one transaction.
- `Deliveries`: delivers a feed's channels to the webhooks partners registered (its events
  are the subscriptions'); the runtime queues each feed event for every subscription that
  wants it, durably, and a dispatcher POSTs them (accelerator/webhooks).

The embedded runtime runs every consumer after each command with one tracked loop
(accelerator/embedded/consumers.py); Kafka runs each as its own worker
(accelerator/kafka/consumer.py, the projector: accelerator/kafka/projector.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from events import CloudEvent, Event
from events.base import FAMILIES
from events.envelope import NAMESPACE
from events.milestones import MilestoneApproved
from events.payments import PaymentApproved
from events.programme import CohortStarted
from events.registry import older_types
from events.subscriptions import (
    SubscriptionEnded,
    SubscriptionPaused,
    SubscriptionRegistered,
    SubscriptionReplayRequested,
    SubscriptionResumed,
    SubscriptionSecretRotated,
)
from services.cities.domain import for_cities
from services.kernel import SYSTEM, Command
from services.participation.cohorts import starts_accelerators
from services.participation.commands import StartAccelerator
from services.payments.commands import InstructPayment, RequestTranche
from services.payments.domain import instructs_payments, requests_tranches

SUBSCRIPTION_EVENTS = (
    SubscriptionRegistered,
    SubscriptionSecretRotated,
    SubscriptionPaused,
    SubscriptionResumed,
    SubscriptionReplayRequested,
    SubscriptionEnded,
)


@dataclass(frozen=True)
class Policy:
    react: Callable[[Event], list[Command]]
    sends: tuple[type[Command], ...] = ()
    """The command types it may send (on Kafka: the command topics its principal may write)."""


@dataclass(frozen=True)
class Projection:
    """The read model's fold (services/projector/views.py); the runtime keeps the views."""


@dataclass(frozen=True)
class Feed:
    publish: Callable[[CloudEvent], list[tuple[str, CloudEvent]]]
    """An event -> the (channel, event) pairs to publish, e.g. ("city:brugge", redacted)."""


@dataclass(frozen=True)
class Deliveries:
    feed: str
    """The Feed consumer whose channels it delivers: it never runs ahead of that feed."""


@dataclass(frozen=True)
class Consumer:
    name: str
    description: str
    reads: tuple[type[Event], ...] | None
    """The event types it reads; None: every event, also of types this version does not know."""
    handler: Policy | Projection | Feed | Deliveries

    @property
    def actor(self) -> str:
        return f"{SYSTEM}:{self.name}"

    @property
    def types(self) -> frozenset[str] | None:
        if self.reads is None:
            return None
        return frozenset(t for cls in self.reads for t in (cls.event_type(), *older_types(cls)))

    def wants(self, event_type: str) -> bool:
        return self.reads is None or event_type in (self.types or ())

    @property
    def families(self) -> tuple[str, ...]:
        if self.reads is None:
            return FAMILIES
        return tuple(sorted({cls.family for cls in self.reads}))


CONSUMERS: tuple[Consumer, ...] = (
    Consumer(
        "starts-accelerators",
        "A started cohort starts the accelerator for each of its startups.",
        (CohortStarted,),
        Policy(starts_accelerators, (StartAccelerator,)),
    ),
    Consumer(
        "instructs-payments",
        "An approved payment is instructed to finance.",
        (PaymentApproved,),
        Policy(instructs_payments, (InstructPayment,)),
    ),
    Consumer(
        "requests-tranches",
        "An approved milestone asks for the tranche its startup's grant agreement ties to it "
        "(once: a redelivered approval asks again and the grant stream does nothing).",
        (MilestoneApproved,),
        Policy(requests_tranches, (RequestTranche,)),
    ),
    Consumer(
        "projector",
        "Every startup's and challenge's projected state, in the read model.",
        None,
        Projection(),
    ),
    Consumer(
        "cities",
        "Each partner city's own events, without contact details or IBANs, on its feed.",
        None,
        Feed(for_cities),
    ),
    Consumer(
        "deliveries",
        "Each partner city's feed, POSTed to the webhooks it registered: signed, retried, replayable.",
        SUBSCRIPTION_EVENTS,
        Deliveries("cities"),
    ),
)


def consumer(name: str, registry: tuple[Consumer, ...] = CONSUMERS) -> Consumer:
    return next(c for c in registry if c.name == name)


def reaction_id(event_id: str, policy: str, index: int) -> str:
    """A policy's command id follows from the event it reacts to: a retry sends the same one."""
    return str(uuid.uuid5(NAMESPACE, f"{event_id}/{policy}/{index}"))


def reactions(ce: CloudEvent, event: Event, registry: tuple[Consumer, ...] = CONSUMERS) -> list[Reaction]:
    """Every command the policies of the registry send for this event, with its id and actor."""
    found = []
    for entry in registry:
        if isinstance(entry.handler, Policy) and entry.wants(ce.type):
            for index, command in enumerate(entry.handler.react(event)):
                found.append(Reaction(reaction_id(ce.id, entry.name, index), command, entry.actor, ce))
    return found


@dataclass(frozen=True)
class Reaction:
    command_id: str
    command: Command
    actor: str
    cause: CloudEvent
