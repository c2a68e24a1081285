"""Who may do what on the broker: every principal's ACLs, declared once, from the registries.

Each service, each consumer of the registry, the scheduler, the client (CLI, web app), finance
and each partner city is its own principal with exactly what it needs; `allow.everyone.if.
no.acl.found=false` refuses the rest. READ and WRITE imply DESCRIBE. Provisioned by
accelerator/kafka/principals.py (`accelerator topics create`, `cities add`, `finance add`).

- a service reads its command topic (its group) and every event topic (its replica); writes
  its families' event topics (services/routing.py WRITES), replies, the DLQ (payments: finance);
- a policy reads the event topics of what it reads; writes the command topics of what it sends;
- cities reads every event topic; writes (and creates, for a new partner) the city topics;
- projector reads every event topic (its subjects and positions are in PostgreSQL);
- deliveries reads the city topics and the subscriptions' events; writes the subscriptions'
  command topic (a receiver's 410 ends a subscription);
- exporter (a worker of the payments service) reads the finance topic, in its own group;
- scheduler reads replies; describes the event topics (where they end); writes the command
  topics of the services with deadlines;
- client (CLI, web app) reads replies, events, city topics and the DLQ, describes every group;
  writes every command topic;
- finance reads the finance topic (groups `finance.*`); writes the payments command topic;
- city-NAME reads its own city topic (groups `city.NAME.*`), and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from accelerator.kafka.topics import Names
from accelerator.kafka.workers import EXPORTER
from events.base import FAMILIES
from services.consumers import CONSUMERS, Consumer, Deliveries, Feed, Policy, Projection
from services.routing import SERVICES, WRITES, service_of, service_of_decider
from services.scheduler.domain import WATCHED


class Resource(StrEnum):
    TOPIC = "topic"
    GROUP = "group"
    TRANSACTIONAL_ID = "transactional-id"


@dataclass(frozen=True, order=True)
class Grant:
    resource: Resource
    name: str
    operation: str  # READ, WRITE, CREATE, DESCRIBE
    prefixed: bool = False

    def __str__(self) -> str:
        return f"{self.operation} {self.resource} {self.name}{'*' if self.prefixed else ''}"


def _topic(name: str, *operations: str, prefixed: bool = False) -> list[Grant]:
    return [Grant(Resource.TOPIC, name, op, prefixed) for op in operations]


def _group(name: str, prefixed: bool = False) -> list[Grant]:
    return [Grant(Resource.GROUP, name, "READ", prefixed)]


def _transactions(names: Names, worker: str) -> list[Grant]:
    """A transactional writer (`<group>-<instance>`)."""
    return [Grant(Resource.TRANSACTIONAL_ID, f"{names.group(worker)}-", "WRITE", True)]


def service(names: Names, name: str) -> list[Grant]:
    grants = _topic(names.commands(name), "READ") + _group(names.group(name))
    grants += [g for f in FAMILIES for g in _topic(names.events(f), "READ")]
    grants += [g for f in WRITES[name] for g in _topic(names.events(f), "WRITE")]
    grants += _topic(names.replies, "WRITE") + _topic(names.dlq, "WRITE")
    if name == "payments":
        grants += _topic(names.finance, "WRITE")
    return grants + _transactions(names, name)


def consumer(names: Names, entry: Consumer) -> list[Grant]:
    reads = [g for f in entry.families for g in _topic(names.events(f), "READ")]
    grants = _group(names.group(entry.name)) + _topic(names.dlq, "WRITE")
    handler = entry.handler
    if isinstance(handler, Policy):
        targets = sorted({service_of(command) for command in handler.sends})
        grants += reads + [g for s in targets for g in _topic(names.commands(s), "WRITE")]
        return grants + _transactions(names, entry.name)
    if isinstance(handler, Feed):
        grants += reads + _topic(names.cities(), "WRITE", "CREATE", prefixed=True)
        return grants + _transactions(names, entry.name)
    if isinstance(handler, Projection):  # its table and positions are in PostgreSQL
        return grants + reads
    assert isinstance(handler, Deliveries)
    grants += reads + _topic(names.cities(), "READ", prefixed=True)
    return grants + _topic(names.commands("subscriptions"), "WRITE")


def exporter(names: Names) -> list[Grant]:
    """It reads the finance topic as a finance system does, and writes files, not topics."""
    return _topic(names.finance, "READ") + _group(names.group(EXPORTER))


def scheduler(names: Names) -> list[Grant]:
    """It asks each partition of the services whose aggregates have deadlines to check them."""
    services = sorted({service_of_decider(watched.decider) for watched in WATCHED})
    grants = _topic(names.replies, "READ") + [g for s in services for g in _topic(names.commands(s), "WRITE")]
    # where the event topics end, not what they hold: a tick skips a check when nothing was written since
    return grants + [g for f in FAMILIES for g in _topic(names.events(f), "DESCRIBE")]


def client(names: Names) -> list[Grant]:
    grants = [g for s in SERVICES for g in _topic(names.commands(s), "WRITE")]
    grants += _topic(names.replies, "READ") + _topic(names.dlq, "READ")
    grants += [g for f in FAMILIES for g in _topic(names.events(f), "READ")]
    grants += _topic(names.cities(), "READ", prefixed=True)  # `accelerator status` looks at their lag
    return [*grants, Grant(Resource.GROUP, names.groups(), "DESCRIBE", True)]


def finance(names: Names) -> list[Grant]:
    return (
        _topic(names.finance, "READ")
        + _group(names.partner_groups("finance"), prefixed=True)
        + _topic(names.commands("payments"), "WRITE")
    )


def city(names: Names, name: str) -> list[Grant]:
    return _topic(names.city(name), "READ") + _group(names.partner_groups(f"city-{name}"), prefixed=True)


WORKER_ROLES = (*SERVICES, *(c.name for c in CONSUMERS), EXPORTER, "scheduler", "client")
"""The principals `accelerator topics create` provisions (finance and the cities are added
one by one: `accelerator finance add`, `accelerator cities add NAME`)."""


def grants(names: Names, role: str) -> list[Grant]:
    """Every ACL of one role's principal."""
    if role in SERVICES:
        found = service(names, role)
    elif (entry := next((c for c in CONSUMERS if c.name == role), None)) is not None:
        found = consumer(names, entry)
    elif role == EXPORTER:
        found = exporter(names)
    elif role == "scheduler":
        found = scheduler(names)
    elif role == "client":
        found = client(names)
    elif role == "finance":
        found = finance(names)
    elif role.startswith("city-"):
        found = city(names, role.removeprefix("city-"))
    else:
        raise ValueError(f"role: no principal {role!r}")
    return sorted(set(found))
