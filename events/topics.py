"""The topic registry: every Kafka topic, its key, what it carries, who writes and reads it.

One writer per topic family; keys are aggregate ids so one key's messages stay in order.
AsyncAPI (schemas/asyncapi.yaml) and `accelerator topics create` are generated from this.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from events.base import FAMILIES, Event
from events.registry import CATALOGUE

DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class Topic:
    name: str
    key: str
    description: str
    writers: tuple[str, ...]
    readers: tuple[str, ...]
    events: tuple[type[Event], ...] = ()
    compacted: bool = False
    retention_ms: int = -1  # the log is the source of truth: kept forever
    config: dict[str, str] = field(default_factory=dict)

    def kafka_config(self) -> dict[str, str]:
        policy = "compact" if self.compacted else "delete"
        return {"cleanup.policy": policy, "retention.ms": str(self.retention_ms), **self.config}


def command_topic(service: str) -> str:
    return f"accelerator.commands.{service}"


def event_topic(family: str) -> str:
    return f"accelerator.events.{family}"


def city_topic(city: str) -> str:
    return f"accelerator.city.{city}"


FINANCE = "accelerator.finance.payments"
REPLIES = "accelerator.replies"
DLQ = "accelerator.dlq"

FINANCE_EVENTS = tuple(cls for cls in CATALOGUE if cls.family == "payments")


def registry(services: tuple[str, ...], cities: tuple[str, ...] = ()) -> list[Topic]:
    """Every topic, for these services (services.routing.SERVICES) and partner cities."""
    topics = [
        Topic(
            command_topic(s),
            "the aggregate id (startup, challenge, cohort or hardware item)",
            f"Commands for the {s} service, in a JSON command envelope.",
            ("cli", "web", "scheduler", "policies"),
            (s,),
            retention_ms=7 * DAY_MS,
        )
        for s in services
    ]
    topics += [
        Topic(
            event_topic(f),
            "the subject: a startup id, or a challenge or cohort id",
            f"Every {f} event, in a CloudEvents 1.0 envelope (structured JSON).",
            services,
            ("services", "policies", "projector", "cities", "watchers"),
            tuple(c for c in CATALOGUE if c.family == f),
        )
        for f in FAMILIES
    ]
    topics += [
        Topic(
            FINANCE,
            "the startup id",
            "Grant agreements, payment instructions (IBAN, BIC, account holder, the attempt's SEPA "
            "end_to_end_id; the envelope's actor says who gave each command), SEPA exports "
            "(PaymentsExported: file id, payments, total, control sum) and outcomes, for finance "
            "systems; they answer with RecordDisbursement or RecordPaymentFailure commands on "
            f"{command_topic('payments')} with the same payment_id (and end_to_end_id). "
            "The payments service's exporter writes each exported pain.001 file from this topic.",
            ("payments",),
            ("finance", "exporter"),
            FINANCE_EVENTS,
        ),
        Topic(
            REPLIES,
            "the command id",
            "The outcome of each command, for whoever sent it.",
            services,
            ("cli",),
            retention_ms=DAY_MS,
        ),
        Topic(
            DLQ,
            "the original key",
            "Messages that could not be processed, with the reason and the original headers.",
            ("services", "policies", "projector", "cities"),
            ("operators",),
            retention_ms=30 * DAY_MS,
        ),
    ]
    topics += [city(c) for c in cities]
    return topics


def city(name: str) -> Topic:
    return Topic(
        city_topic(name),
        "the subject: a startup or challenge id",
        f"{name}'s own events: its challenges and its startups, without contact details or IBANs.",
        ("cities",),
        (name, "deliveries"),
        tuple(c for c in CATALOGUE if c.family != "subscriptions"),  # the operator's, never a city's
    )
