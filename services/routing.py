"""Which service owns which aggregates, and so which commands: one declared table.

A command is taken by exactly one decider (it lists the command), which lives in exactly one
service; the command's `aggregate_id` names the stream it writes. Nothing is derived from
module paths or field names: `tests/services/test_routing.py` checks the table is whole.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from services.intake.domain import APPLICATION, CHALLENGE
from services.kernel import Command, Decider
from services.participation.cohorts import COHORT
from services.participation.domain import PARTICIPATION
from services.participation.hardware import HARDWARE
from services.payments.domain import GRANT
from services.payments.exports import EXPORTS
from services.pilots.domain import PILOT
from services.pilots.outcomes import OUTCOME
from services.selection.domain import SELECTION
from services.subscriptions.domain import SUBSCRIPTION

SERVICES: MappingProxyType[str, tuple[Decider[Any], ...]] = MappingProxyType(
    {
        "intake": (CHALLENGE, APPLICATION),
        "selection": (SELECTION,),
        "participation": (PARTICIPATION, COHORT, HARDWARE),
        "payments": (GRANT, EXPORTS),
        "pilots": (PILOT, OUTCOME),
        "subscriptions": (SUBSCRIPTION,),
    }
)

WRITES: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "intake": ("programme", "applications"),
        "selection": ("selection",),
        "participation": ("programme", "milestones"),
        "payments": ("payments",),
        "pilots": ("pilots",),
        "subscriptions": ("subscriptions",),
    }
)
"""The event families each service's deciders write: on Kafka, the only event topics its
principal may write to (accelerator/kafka/access.py). Checked against every command type."""

DECIDERS: MappingProxyType[type[Command], Decider[Any]] = MappingProxyType(
    {
        command: decider
        for deciders in SERVICES.values()
        for decider in deciders
        for command in decider.commands
    }
)

COMMANDS: MappingProxyType[str, type[Command]] = MappingProxyType({cls.__name__: cls for cls in DECIDERS})
"""Every domain command by its name (the `type` of a command message)."""


def decider_of(command: Command | type[Command]) -> Decider[Any]:
    cls = command if isinstance(command, type) else type(command)
    return DECIDERS[cls]


def service_of_decider(decider: Decider[Any]) -> str:
    return next(name for name, deciders in SERVICES.items() if decider in deciders)


def service_of(command: Command | type[Command]) -> str:
    return service_of_decider(decider_of(command))


def stream_of(command: Command) -> str:
    """The one stream this command may append to (and so its Kafka key's aggregate)."""
    return decider_of(command).stream(command.aggregate_id())
