"""The programme's funnel, from ideas and applications to outcomes: counts from the views."""

from __future__ import annotations

from collections.abc import Iterable

from services.projector.challenges import ChallengeView
from services.projector.views import StartupView

SELECTED = ("selected", "accepted", "declined", "in accelerator", "completed", "terminated")


def funnel(startups: Iterable[StartupView], challenges: Iterable[ChallengeView]) -> list[tuple[str, int]]:
    """Each stage with how many reached it; the last stages are the pilots' outcomes."""
    views = list(startups)
    ideas = [idea for c in challenges for idea in c.ideas.values()]
    outcomes = [v.outcome for v in views]
    return [
        ("ideas submitted", len(ideas)),
        ("ideas shortlisted", sum(i.status in ("shortlisted", "invited") for i in ideas)),
        ("ideas invited", sum(i.status == "invited" for i in ideas)),
        ("applications", len(views)),
        ("selected", sum(v.phase in SELECTED for v in views)),
        ("in the accelerator", sum(v.cohort_id is not None for v in views)),
        ("completed", sum(v.phase == "completed" for v in views)),
        ("pilots", sum(v.pilot_status not in ("none", "cancelled") for v in views)),
        ("pilots completed", sum(v.pilot_status == "completed" for v in views)),
        ("procurements", sum(bool(o.procurements) for o in outcomes)),
        ("roll-outs", sum(bool(o.rolled_out_to) for o in outcomes)),
        ("stopped", sum(o.stopped is not None for o in outcomes)),
    ]
