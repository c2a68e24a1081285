"""The baseline's projection: the same per-startup and per-challenge views as
services/projector/views.py, written as an `eventsourcing` user would, over plain dicts.

It consumes the decoded envelope (a dict, as the library's JSON transcoder gives it) and
keeps each view as a dict of JSON values: phase (forward only), scores, milestones with
their status, lateness and sent-back count, payments with status, attempts and reason,
experts, hardware, the pilot, the event count and the last change. No validation: the
library trusts what it stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PHASES = {
    "applied": 0,
    "waitlisted": 1,
    "selected": 2,
    "rejected": 2,
    "accepted": 3,
    "declined": 3,
    "in accelerator": 4,
    "completed": 5,
    "terminated": 5,
    "withdrawn": 6,
}
"""As services/projector/views.py's (not imported: the baseline carries none of this project)."""

View = dict[str, Any]
Handler = Callable[[View, dict[str, Any]], None]


def _advance(view: View, phase: str) -> None:
    if PHASES[phase] >= PHASES[view["phase"]]:
        view["phase"] = phase


def _submitted(view: View, d: dict[str, Any]) -> None:
    for key in ("challenge_id", "city_id", "requested_budget"):
        view[key] = d[key]
    if "applicant_name" in d:  # v2: any applicant the call allows
        registration = d.get("registration") or {}
        view["company_name"], view["enterprise_number"] = d["applicant_name"], registration.get("number", "")
        view["kind"], view["country"] = d["kind"], d["country"]
    else:
        view["company_name"], view["enterprise_number"] = d["company_name"], d["enterprise_number"]


def _scored(view: View, d: dict[str, Any]) -> None:
    view["scores"][d["reviewer"]] = d["weighted_score"]


def _conflict(view: View, d: dict[str, Any]) -> None:
    view["conflicts"].append(d["reviewer"])
    view["scores"].pop(d["reviewer"], None)


def _decided(view: View, d: dict[str, Any]) -> None:
    _advance(view, d["decision"])
    view["average_score"] = d.get("average_score")


def _started(view: View, d: dict[str, Any]) -> None:
    _advance(view, "in accelerator")
    view["cohort_id"], view["starts_on"], view["ends_on"] = d["cohort_id"], d["starts_on"], d["ends_on"]
    for line in d["milestones"]:
        view["milestones"][line["key"]] = {**line, "status": "planned", "overdue": False, "late": False}
        view["milestones"][line["key"]].update(submissions=0, sent_back=0)


def _milestone(update: Callable[[dict[str, Any], dict[str, Any]], None]) -> Handler:
    return lambda view, d: update(view["milestones"][d["key"]], d)


def _deliverable(m: dict[str, Any], d: dict[str, Any]) -> None:
    m["status"], m["late"], m["submissions"] = (
        "submitted",
        m["late"] or d.get("late", False),
        m["submissions"] + 1,
    )


def _sent_back(m: dict[str, Any], d: dict[str, Any]) -> None:
    m["status"], m["sent_back"] = "sent back", m["sent_back"] + 1


def _payment(status: str) -> Handler:
    def update(view: View, d: dict[str, Any]) -> None:
        payment = view["payments"].setdefault(
            d["payment_id"], {"milestone_key": d["payment_id"].split("/")[-2]}
        )
        payment.update(status=status, amount=d["amount"], reason=d.get("reason", ""))
        payment["attempts"] = d.get("attempt", payment.get("attempts", 0))

    return update


def _expert(view: View, d: dict[str, Any]) -> None:
    view["expert_sessions"] += 1
    view["expert_hours"] += d["hours"]


def _set(**values: Any) -> Handler:
    return lambda view, d: view.update(
        {k: d[v[1:]] if str(v).startswith("$") else v for k, v in values.items()}
    )


STARTUP: dict[str, Handler] = {
    "application_submitted": _submitted,
    "application_withdrawn": lambda v, d: _advance(v, "withdrawn"),
    "reviewer_assigned": lambda v, d: v["reviewers"].append(d["reviewer"]),
    "conflict_of_interest_declared": _conflict,
    "application_scored": _scored,
    "application_decided": _decided,
    "offer_accepted": lambda v, d: _advance(v, "accepted"),
    "offer_declined": lambda v, d: _advance(v, "declined"),
    "accelerator_started": _started,
    "accelerator_completed": lambda v, d: _advance(v, "completed"),
    "participation_terminated": lambda v, d: _advance(v, "terminated"),
    "expert_session_logged": _expert,
    "hardware_lent": lambda v, d: v.update(hardware_on_loan=sorted([*v["hardware_on_loan"], d["item_id"]])),
    "hardware_returned": lambda v, d: v["hardware_on_loan"].remove(d["item_id"]),
    "deliverable_submitted": _milestone(_deliverable),
    "milestone_approved": _milestone(lambda m, d: m.update(status="approved")),
    "milestone_sent_back": _milestone(_sent_back),
    "milestone_overdue": _milestone(lambda m, d: m.update(overdue=True)),
    "payment_requested": _payment("requested"),
    "payment_rejected": _payment("rejected"),
    "payment_approved": _payment("approved"),
    "payment_instructed": _payment("instructed"),
    "payment_failed": _payment("failed"),
    "payment_disbursed": _payment("disbursed"),
    "pilot_proposed": _set(
        pilot_status="proposed", pilot_city="$pilot_city", pilot_title="$title", pilot_rating=None
    ),
    "pilot_approved": _set(pilot_status="approved"),
    "pilot_started": _set(pilot_status="started"),
    "pilot_completed": _set(pilot_status="completed", pilot_rating="$rating"),
    "pilot_cancelled": _set(pilot_status="cancelled"),
}
CHALLENGE = {"challenge_published", "call_opened", "call_closed"}


def new_startup(startup_id: str) -> View:
    return {
        "startup_id": startup_id,
        "phase": "applied",
        "reviewers": [],
        "conflicts": [],
        "scores": {},
        "milestones": {},
        "payments": {},
        "expert_sessions": 0,
        "expert_hours": 0,
        "hardware_on_loan": [],
        "pilot_status": "none",
        "events": 0,
        "updated_at": None,
    }


def project(view: View | None, envelope: dict[str, Any]) -> View | None:
    """One decoded envelope onto one startup's view (created by its application)."""
    name = envelope["type"].split(".")[2]
    if view is None and name != "application_submitted":
        return None
    view = view or new_startup(envelope["subject"])
    STARTUP.get(name, lambda v, d: None)(view, envelope["data"])
    view["events"] += 1
    view["updated_at"] = max(view["updated_at"] or envelope["time"], envelope["time"])
    return view


def project_challenge(view: View | None, envelope: dict[str, Any]) -> View | None:
    name, data = envelope["type"].split(".")[2], envelope["data"]
    if name == "challenge_published":
        return {k: v for k, v in data.items() if k != "description"} | {"status": "scheduled"}
    if view is not None:
        view["status"] = "open" if name == "call_opened" else "closed"
    return view
