"""Property: every score is computed with the criteria and weights the challenge published at
the time of scoring; an amendment of the criteria once scoring can start is refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import event, given, settings
from hypothesis import strategies as st

from events.framing import Criterion
from events.programme import ChallengePublished
from events.selection import ApplicationScored
from services.intake.commands import AmendChallenge, CloseCall, OpenCall
from services.kernel import Rejected
from services.selection.commands import ScoreApplication
from tests import builders as b
from tests.fakes import Spec

SETS = (
    (("impact", 60), ("team", 40)),
    (("impact", 35), ("innovation", 25), ("feasibility", 25), ("team", 15)),
    (("privacy", 100),),
)
REVIEWERS = tuple(f"Reviewer {n}" for n in range(12))
Step = tuple[str, int]
STEPS = st.lists(
    st.tuples(st.sampled_from(("amend", "open", "score", "close")), st.integers(0, 10)), max_size=14
)


def criteria(index: int) -> tuple[Criterion, ...]:
    return tuple(Criterion(key=k, title=k.capitalize(), weight_percent=w) for k, w in SETS[index % len(SETS)])


def programme() -> Spec:
    published = ChallengePublished.model_validate(
        {**b.published().model_dump(), "criteria": criteria(0), "closes_on": date(2027, 2, 12)}
    )
    spec = Spec(date(2027, 1, 12)).given(f"challenge-{b.CHALLENGE}", published)
    spec.given(f"application-{b.PARKLY}", b.applied())
    return spec.given(f"selection-{b.PARKLY}", *(b.reviewer(name) for name in REVIEWERS))


class Model:
    def __init__(self) -> None:
        self.criteria, self.opened, self.closed, self.scored = criteria(0), False, False, False


def amend(spec: Spec, model: Model, n: int) -> None:
    new = criteria(n)
    try:
        spec.when(AmendChallenge(challenge_id=b.CHALLENGE, note="reweighed", criteria=new))
    except Rejected as refusal:
        assert model.opened or model.closed, refusal
        event("criteria amendment refused after scoring started" if model.scored else "amendment refused")
        return
    assert not (model.opened or model.scored), "the criteria changed once scoring could start"
    model.criteria = new
    event("criteria amended before the call opened")


def score(spec: Spec, model: Model, n: int, reviewer: str) -> None:
    marks = {c.key: (n + i) % 11 for i, c in enumerate(model.criteria)}
    try:
        (scored,) = spec.when(ScoreApplication(startup_id=b.PARKLY, reviewer=reviewer, scores=marks))
    except Rejected as refusal:
        assert not model.opened, refusal
        event("score refused before the call opened")
        return
    assert isinstance(scored, ApplicationScored)
    expected = sum((Decimal(c.weight_percent) / 100 * marks[c.key] for c in model.criteria), Decimal(0))
    assert scored.weighted_score == expected.quantize(Decimal("0.01"))
    model.scored = True
    event(f"scored on {len(model.criteria)} published criteria")


@settings(max_examples=150, deadline=None)
@given(STEPS)
def test_scores_use_the_criteria_published_at_the_time_of_scoring(steps: list[Step]) -> None:
    spec, model, reviewers = programme(), Model(), iter(REVIEWERS)
    for action, n in steps:
        if action == "amend":
            amend(spec, model, n)
        elif action == "score":
            score(spec, model, n, next(reviewers))
        elif action == "open" and not (model.opened or model.closed):
            spec.when(OpenCall(challenge_id=b.CHALLENGE))
            model.opened = True
        elif action == "close" and model.opened and not model.closed:
            spec.when(CloseCall(challenge_id=b.CHALLENGE))
            model.closed = True
