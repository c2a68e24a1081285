"""Hardware and sensor kits lent to startups: each item's stream is the one writer of its loans.

Rule: an item is lent to one startup in the accelerator at a time, and comes back before
it is lent again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from events.base import Event
from events.programme import HardwareLent, HardwareReturned
from services.kernel import Command, Context, Decider, Rejected, unhandled
from services.participation.commands import LendHardware, ReturnHardware
from services.participation.domain import PARTICIPATION, Participation, active


@dataclass(frozen=True)
class HardwareItem:
    lent_to: str | None = None
    city_id: str = ""
    lent_on: date | None = None


def evolve_item(state: HardwareItem, event: Event) -> HardwareItem:
    match event:
        case HardwareLent():
            return HardwareItem(event.startup_id, event.city_id, event.lent_on)
        case HardwareReturned():
            return HardwareItem()
    return state


def decide_item(state: HardwareItem, command: Command, context: Context) -> list[Event]:
    match command:
        case LendHardware():
            borrower = context.read(PARTICIPATION, command.startup_id)
            return lend(state, command, borrower, context.today)
        case ReturnHardware():
            return give_back(state, command, context.today)
    unhandled(command)


HARDWARE = Decider("hardware", HardwareItem(), evolve_item, decide_item, (LendHardware, ReturnHardware))


def lend(item: HardwareItem, cmd: LendHardware, borrower: Participation, day: date) -> list[Event]:
    if item.lent_to is not None:
        raise Rejected("item_id", f"{cmd.item_id} is on loan to {item.lent_to} since {item.lent_on}")
    active(borrower, cmd.startup_id)
    return [HardwareLent(city_id=borrower.city_id, lent_on=day, **cmd.model_dump())]


def give_back(item: HardwareItem, cmd: ReturnHardware, day: date) -> list[Event]:
    if item.lent_to is None:
        raise Rejected("item_id", f"{cmd.item_id} is not on loan")
    return [
        HardwareReturned(startup_id=item.lent_to, city_id=item.city_id, item_id=cmd.item_id, returned_on=day)
    ]
