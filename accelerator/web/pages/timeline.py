"""A startup's six months as marks on lanes: milestones (due, waiting, done, late, overdue),
payments, expert sessions and hardware, from its view and its history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from accelerator.web.i18n import N_
from events import CloudEvent
from services.kernel import PROGRAMME_TZ
from services.projector.views import MilestoneView, StartupView

LANES = (N_("Milestones"), N_("Payments"), N_("Expert sessions"), N_("Hardware"))
PAYMENT_EVENTS = {
    "payment_requested": "requested",
    "payment_disbursed": "disbursed",
    "payment_failed": "failed",
}


@dataclass(frozen=True)
class Mark:
    lane: int
    day: date
    words: tuple[str, ...]
    """What the label says: a name, then values translated where shown (statuses)."""
    shape: str


@dataclass(frozen=True)
class Timeline:
    start: date
    end: date
    today: date
    marks: tuple[Mark, ...]


def milestone_shape(m: MilestoneView, day: date) -> tuple[str, str]:
    """The marker and the word of a milestone's state on `day`."""
    if m.status == "approved":
        return ("late", "late") if m.late else ("done", "done")
    if m.overdue or (day > m.due_on and m.status in ("planned", "sent back")):
        return "overdue", "overdue"
    if m.status == "submitted":
        return "waiting", "submitted"
    return "due", "due"


def on_day(ce: CloudEvent) -> date:
    return ce.time.astimezone(PROGRAMME_TZ).date()


def timeline_of(view: StartupView, history: list[CloudEvent], day: date) -> Timeline | None:
    if view.starts_on is None or view.ends_on is None:
        return None
    marks = [
        Mark(0, m.due_on, (m.key, milestone_shape(m, day)[1]), milestone_shape(m, day)[0])
        for m in view.milestones.values()
    ]
    for ce in history:
        name = ce.type.split(".")[2]
        if name in PAYMENT_EVENTS:
            marks.append(
                Mark(
                    1,
                    on_day(ce),
                    (
                        str(
                            ce.data.get("milestone_key")
                            or str(ce.data.get("payment_id", "")).split("/")[-2:][0]
                        ),
                        PAYMENT_EVENTS[name],
                    ),
                    "event",
                )
            )
        elif name == "expert_session_logged":
            marks.append(
                Mark(
                    2, date.fromisoformat(str(ce.data["held_on"])), (str(ce.data.get("topic", "")),), "event"
                )
            )
        elif name in ("hardware_lent", "hardware_returned"):
            field = "lent_on" if name == "hardware_lent" else "returned_on"
            word = "lent" if name == "hardware_lent" else "returned"
            marks.append(
                Mark(
                    3,
                    date.fromisoformat(str(ce.data[field])),
                    (str(ce.data.get("item_id", "")), word),
                    "event",
                )
            )
    return Timeline(view.starts_on, view.ends_on, day, tuple(marks))
