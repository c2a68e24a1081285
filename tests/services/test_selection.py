"""Selection: weighted scores, conflicts of interest, decisions and offers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from events.selection import (
    ApplicationDecided,
    ApplicationScored,
    ConflictOfInterestDeclared,
    Decision,
    OfferAccepted,
    OfferDeclined,
)
from services.kernel import Rejected
from services.selection.commands import (
    AcceptOffer,
    AssignReviewer,
    DecideApplication,
    DeclareConflictOfInterest,
    DeclineOffer,
    ScoreApplication,
)
from tests import builders as b
from tests.fakes import Spec

SELECTION = f"selection-{b.PARKLY}"
SCORES = {"impact": 9, "innovation": 8, "feasibility": 7, "team": 6}


def applied_and_reviewed(*reviewers: str) -> Spec:
    spec = Spec().given(f"application-{b.PARKLY}", b.applied())
    return spec.given(SELECTION, *(b.reviewer(name) for name in reviewers))


class TestScoring:
    def test_an_assigned_reviewer_scores_on_the_weighted_criteria(self) -> None:
        events = applied_and_reviewed("An Peeters").when(
            ScoreApplication(startup_id=b.PARKLY, reviewer="An Peeters", scores=SCORES)
        )
        # 0.35*9 + 0.25*8 + 0.25*7 + 0.15*6 = 7.80
        assert events == [
            ApplicationScored(
                startup_id=b.PARKLY,
                city_id="brugge",
                reviewer="An Peeters",
                scores=SCORES,
                weighted_score=Decimal("7.80"),
            )
        ]

    @pytest.mark.parametrize("value", [-1, 11])
    def test_refuses_a_score_outside_the_scale(self, value: int) -> None:
        with pytest.raises(Rejected, match=f"scores.team: must be between 0 and 10 \\(got {value}\\)"):
            applied_and_reviewed("An Peeters").when(
                ScoreApplication(startup_id=b.PARKLY, reviewer="An Peeters", scores={**SCORES, "team": value})
            )

    def test_refuses_scores_missing_a_criterion(self) -> None:
        with pytest.raises(Rejected, match="scores: .*missing team"):
            applied_and_reviewed("An Peeters").when(
                ScoreApplication(
                    startup_id=b.PARKLY,
                    reviewer="An Peeters",
                    scores={k: v for k, v in SCORES.items() if k != "team"},
                )
            )

    def test_refuses_a_reviewer_who_is_not_assigned(self) -> None:
        with pytest.raises(Rejected, match="reviewer: Koen Janssens is not assigned"):
            applied_and_reviewed("An Peeters").when(
                ScoreApplication(startup_id=b.PARKLY, reviewer="Koen Janssens", scores=SCORES)
            )

    def test_refuses_a_reviewer_with_a_declared_conflict(self) -> None:
        spec = applied_and_reviewed("Koen Janssens").given(
            SELECTION,
            ConflictOfInterestDeclared(
                startup_id=b.PARKLY, city_id="brugge", reviewer="Koen Janssens", reason="former co-founder"
            ),
        )
        with pytest.raises(Rejected, match="reviewer: Koen Janssens declared a conflict of interest"):
            spec.when(ScoreApplication(startup_id=b.PARKLY, reviewer="Koen Janssens", scores=SCORES))
        assert len(spec.stored()[SELECTION]) == 2

    def test_a_conflict_declared_after_scoring_voids_the_score(self) -> None:
        spec = applied_and_reviewed("Koen Janssens", "An Peeters")
        spec.when(ScoreApplication(startup_id=b.PARKLY, reviewer="Koen Janssens", scores=SCORES))
        spec.when(DeclareConflictOfInterest(startup_id=b.PARKLY, reviewer="Koen Janssens", reason="investor"))
        with pytest.raises(Rejected, match="decision: .* has no scores yet"):
            spec.when(DecideApplication(startup_id=b.PARKLY, decision=Decision.SELECTED))

    def test_refuses_reviewing_a_withdrawn_application(self) -> None:
        from events.applications import ApplicationWithdrawn

        spec = applied_and_reviewed().given(
            f"application-{b.PARKLY}",
            ApplicationWithdrawn(startup_id=b.PARKLY, city_id="brugge", reason="gone"),
        )
        with pytest.raises(Rejected, match="has withdrawn"):
            spec.when(AssignReviewer(startup_id=b.PARKLY, reviewer="An Peeters"))


class TestDeciding:
    def scored(self) -> Spec:
        spec = applied_and_reviewed("An Peeters", "Sofie Maes")
        spec.when(ScoreApplication(startup_id=b.PARKLY, reviewer="An Peeters", scores=SCORES))
        spec.when(
            ScoreApplication(startup_id=b.PARKLY, reviewer="Sofie Maes", scores=dict.fromkeys(SCORES, 9))
        )
        return spec

    def test_a_decision_carries_the_average_weighted_score(self) -> None:
        events = self.scored().when(DecideApplication(startup_id=b.PARKLY, decision=Decision.SELECTED))
        assert events == [
            ApplicationDecided(
                startup_id=b.PARKLY,
                city_id="brugge",
                decision=Decision.SELECTED,
                average_score=Decimal("8.40"),
            )
        ]

    def test_a_waitlisted_startup_can_still_be_selected(self) -> None:
        spec = self.scored()
        spec.when(DecideApplication(startup_id=b.PARKLY, decision=Decision.WAITLISTED))
        (event,) = spec.when(DecideApplication(startup_id=b.PARKLY, decision=Decision.SELECTED))
        assert isinstance(event, ApplicationDecided)
        assert event.decision is Decision.SELECTED

    def test_a_selected_startup_cannot_be_decided_again(self) -> None:
        spec = self.scored()
        spec.when(DecideApplication(startup_id=b.PARKLY, decision=Decision.SELECTED))
        with pytest.raises(Rejected, match="startup_id: .* is already decided \\(selected\\)"):
            spec.when(DecideApplication(startup_id=b.PARKLY, decision=Decision.REJECTED))


class TestAnsweringTheOffer:
    def offered(self) -> Spec:
        return applied_and_reviewed("An Peeters").given(SELECTION, b.selected())

    def test_accepts(self) -> None:
        assert self.offered().when(AcceptOffer(startup_id=b.PARKLY)) == [
            OfferAccepted(startup_id=b.PARKLY, city_id="brugge")
        ]

    def test_declines_with_a_reason(self) -> None:
        events = self.offered().when(DeclineOffer(startup_id=b.PARKLY, reason="acquired"))
        assert events == [OfferDeclined(startup_id=b.PARKLY, city_id="brugge", reason="acquired")]

    def test_cannot_answer_twice(self) -> None:
        spec = self.offered().given(SELECTION, b.accepted())
        with pytest.raises(Rejected, match="already answered"):
            spec.when(DeclineOffer(startup_id=b.PARKLY, reason="changed our mind"))

    def test_cannot_accept_without_an_offer(self) -> None:
        with pytest.raises(Rejected, match="has no offer"):
            applied_and_reviewed("An Peeters").when(AcceptOffer(startup_id=b.PARKLY))
