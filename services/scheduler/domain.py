"""Deadlines as a pure function of (state, day): which commands are due.

The scheduler (apscheduler, or the demo's virtual clock) only says what day it is; every
command returned here is idempotent in its service, so a tick repeated changes nothing.
"""

from __future__ import annotations

from datetime import date

from services.accelerator.commands import CompleteAccelerator, MarkMilestoneOverdue
from services.accelerator.domain import MilestoneStatus, Participation, Status
from services.intake.commands import CloseCall, OpenCall
from services.intake.domain import CallStatus, Challenge
from services.kernel import Command

AWAITING_STARTUP = (MilestoneStatus.PLANNED, MilestoneStatus.SENT_BACK)
"""A submitted deliverable waits on the programme, not the startup: it is not overdue."""


def call_commands(challenge: Challenge, day: date) -> list[Command]:
    """A scheduled call opens on its first day; an open call closes after its last."""
    if challenge.status is CallStatus.SCHEDULED and challenge.opens_on <= day <= challenge.closes_on:
        return [OpenCall(challenge_id=challenge.challenge_id)]
    if challenge.status is CallStatus.OPEN and day > challenge.closes_on:
        return [CloseCall(challenge_id=challenge.challenge_id)]
    return []


def deadline_commands(participation: Participation, day: date) -> list[Command]:
    """Milestones past due and not approved become overdue; at month six the programme ends."""
    if participation.status is not Status.ACTIVE:
        return []
    startup = participation.startup_id
    commands: list[Command] = [
        MarkMilestoneOverdue(startup_id=startup, key=m.key)
        for m in participation.milestones.values()
        if day > m.due_on and not m.overdue and m.status in AWAITING_STARTUP
    ]
    if day >= participation.ends_on:
        commands.append(CompleteAccelerator(startup_id=startup))
    return commands
