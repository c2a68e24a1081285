"""A challenge framed in public: criteria, amendments, questions and the crowdsourcing track."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from events.applications import ApplicantKind, ApplicationSubmitted, Contact, Member
from events.framing import Criterion, Eligibility, Offer, Track
from events.ideas import IdeaInvited, IdeaShortlisted, IdeaSubmitted
from events.programme import AnswerPublished, CallClosed, ChallengeAmended, ChallengePublished, QuestionAsked
from services.intake.commands import AmendChallenge, PublishChallenge, SubmitApplication
from services.intake.open_call import idea_id_for
from services.intake.open_commands import AskQuestion, InviteIdea, PublishAnswer, ShortlistIdea, SubmitIdea
from services.kernel import Rejected
from tests import builders as b
from tests.fakes import Spec

STREAM = f"challenge-{b.CHALLENGE}"
CRITERIA = (
    Criterion(key="impact", title="Impact on the historic centre", weight_percent=50),
    Criterion(key="feasibility", title="Feasible in six months", weight_percent=30),
    Criterion(key="privacy", title="Privacy by design", weight_percent=20),
)
LEAD = Contact(name="Lien Claes", email="lien@reiefiets.example")


def framed(**changes: object) -> ChallengePublished:
    fields: dict[str, object] = dict(
        challenge_id=b.CHALLENGE,
        city_id="brugge",
        domain="mobility",
        title="Smart loading zones in the historic centre",
        criteria=CRITERIA,
        tracks=(Track.ACCELERATOR, Track.IDEAS),
        eligibility=Eligibility(countries=("BE", "NL", "FR", "GB")),
        offer=Offer(budget_cap=Decimal(8000)),
        opens_on=date(2027, 1, 11),
        closes_on=date(2027, 2, 12),
    )
    return ChallengePublished.model_validate({**fields, **changes})


def call(today: date = date(2027, 1, 20), **changes: object) -> Spec:
    return Spec(today).given(STREAM, framed(**changes), b.opened())


class TestPublishing:
    def test_publishes_the_framing_with_weights_that_make_100(self) -> None:
        command = PublishChallenge(**framed().model_dump())
        assert Spec().when(command) == [framed()]

    @pytest.mark.parametrize(
        ("weights", "total"), [((50, 30, 10), 90), ((50, 40, 20), 110)], ids=["under", "over"]
    )
    def test_refuses_weights_that_do_not_add_up_to_100(self, weights: tuple[int, ...], total: int) -> None:
        criteria = tuple(
            c.model_copy(update={"weight_percent": w}) for c, w in zip(CRITERIA, weights, strict=True)
        )
        spec = Spec()
        with pytest.raises(Rejected, match=f"criteria: the weights must add up to 100 % \\(got {total} %"):
            spec.when(PublishChallenge(**framed(criteria=criteria).model_dump()))
        assert spec.stored() == {}

    def test_refuses_a_call_cap_above_the_programmes(self) -> None:
        with pytest.raises(Rejected, match="offer.budget_cap: must be at most the programme's EUR 10,000"):
            Spec().when(PublishChallenge(**framed(offer=Offer(budget_cap=Decimal(12000))).model_dump()))


class TestAmending:
    def test_an_amendment_before_the_call_closes_is_an_event_applicants_see(self) -> None:
        command = AmendChallenge(challenge_id=b.CHALLENGE, note="One more week", closes_on=date(2027, 2, 19))
        (event,) = call().when(command)
        assert event == ChallengeAmended(city_id="brugge", **command.model_dump())

    def test_refuses_an_amendment_after_the_call_closed(self) -> None:
        spec = call(date(2027, 2, 14)).given(STREAM, CallClosed(challenge_id=b.CHALLENGE, city_id="brugge"))
        with pytest.raises(Rejected, match="challenge_id: the call for .* closed on 2027-02-12"):
            spec.when(AmendChallenge(challenge_id=b.CHALLENGE, note="Too late", title="Other"))
        assert len(spec.stored()[STREAM]) == 3

    def test_refuses_new_criteria_once_the_call_has_opened(self) -> None:
        with pytest.raises(Rejected, match="criteria: the call for .* has opened"):
            call().when(AmendChallenge(challenge_id=b.CHALLENGE, note="Reweighed", criteria=CRITERIA[:1]))

    def test_criteria_may_change_before_the_call_opens(self) -> None:
        spec = Spec(date(2027, 1, 5)).given(STREAM, framed())
        whole = (CRITERIA[0].model_copy(update={"weight_percent": 100}),)
        (event,) = spec.when(AmendChallenge(challenge_id=b.CHALLENGE, note="One criterion", criteria=whole))
        assert isinstance(event, ChallengeAmended)
        assert event.criteria == whole


def company(**changes: object) -> SubmitApplication:
    fields: dict[str, object] = dict(
        challenge_id=b.CHALLENGE,
        company_name="Koeltegel",
        enterprise_number="NL814553321B01",
        contact=Contact(name="Sanne de Vries", email="sanne@koeltegel.nl"),
        proposal="Curbside sensors from Delft",
        requested_budget=Decimal(8000),
    )
    return SubmitApplication.model_validate({**fields, **changes})


def team(**changes: object) -> SubmitApplication:
    fields: dict[str, object] = dict(
        company_name="Team Reiefiets",
        enterprise_number="",
        kind=ApplicantKind.CITIZENS,
        country="BE",
        contact=LEAD,
        members=(Member(name="Tom Peeters"),),
        requested_budget=Decimal(0),
    )
    return company(**{**fields, **changes})


class TestApplicantsFromAnyCountry:
    @pytest.mark.parametrize(
        ("changes", "country", "scheme"),
        [
            ({}, "NL", "eu-vat"),
            ({"enterprise_number": "27364265", "country": "NL"}, "NL", "nl-kvk"),
            ({"enterprise_number": "732 829 320", "country": "FR"}, "FR", "fr-siren"),
            ({"enterprise_number": "73282932000074", "country": "FR"}, "FR", "fr-siret"),
            ({"enterprise_number": "SC123456", "country": "GB"}, "GB", "gb-company"),
            ({"enterprise_number": "0403.170.701"}, "BE", "be-enterprise"),
        ],
    )
    def test_a_company_is_identified_by_its_own_countrys_number(
        self, changes: dict[str, object], country: str, scheme: str
    ) -> None:
        command = company(**changes)
        (event,) = call().when(command)
        assert isinstance(event, ApplicationSubmitted)
        assert (event.country, event.registration and event.registration.scheme) == (country, scheme)
        assert event.startup_id == command.aggregate_id()

    @pytest.mark.parametrize(
        ("number", "country", "message"),
        [
            ("NL814553322B01", None, "'NL814553322B01' is not a valid Dutch VAT number: the check digits"),
            ("732829321", "FR", "'732829321' is not a valid French SIREN: the check digits are wrong .*Luhn"),
            (
                "1234567",
                "NL",
                "'1234567' is not a valid Dutch KvK number: it has the wrong format .*8 digits",
            ),
            (
                "0403.170.702",
                None,
                "'0403.170.702' is not a valid Belgian enterprise number: the check digits .*modulo 97",
            ),
            ("12345", "DE", "an applicant from DE is identified by its EU VAT number"),
        ],
    )
    def test_a_wrong_number_is_refused_naming_the_country_and_the_rule(
        self, number: str, country: str | None, message: str
    ) -> None:
        spec = call()
        with pytest.raises(Rejected, match=f"enterprise_number: {message}"):
            spec.when(company(enterprise_number=number, country=country))
        assert list(spec.stored()) == [STREAM]

    def test_the_same_french_company_applies_once_by_siren_or_siret(self) -> None:
        assert (
            company(enterprise_number="732829320", country="FR").aggregate_id()
            == company(enterprise_number="73282932000074", country="FR").aggregate_id()
        )

    def test_refuses_a_country_the_call_does_not_take(self) -> None:
        with pytest.raises(Rejected, match="country: the call for .* is open to applicants from BE, NL"):
            call(eligibility=Eligibility(countries=("BE", "NL"))).when(
                company(enterprise_number="732829320", country="FR")
            )

    def test_refuses_a_kind_the_call_does_not_take(self) -> None:
        companies_only = Eligibility(kinds=(ApplicantKind.COMPANY,))
        with pytest.raises(Rejected, match="kind: the call for .* is open to companies, not to citizens"):
            call(eligibility=companies_only).when(team())

    def test_refuses_more_than_the_calls_own_cap(self) -> None:
        with pytest.raises(Rejected, match="requested_budget: must be at most EUR 8,000"):
            call().when(company(requested_budget=Decimal(9000)))


class TestCitizensAndTeams:
    def test_a_team_applies_without_a_number_under_its_leads_email(self) -> None:
        (event,) = call().when(team())
        assert isinstance(event, ApplicationSubmitted)
        assert (event.kind, event.registration, event.members) == (
            ApplicantKind.CITIZENS,
            None,
            (Member(name="Tom Peeters"),),
        )
        assert event.startup_id == team(contact=LEAD.model_copy(update={"name": "L. Claes"})).aggregate_id()

    def test_a_team_asks_no_grant_unless_the_call_says_so(self) -> None:
        with pytest.raises(Rejected, match="requested_budget: citizens and teams receive no PoC grant"):
            call().when(team(requested_budget=Decimal(500)))
        granting = Eligibility(citizens_grant=True)
        (event,) = call(eligibility=granting).when(team(requested_budget=Decimal(500)))
        assert isinstance(event, ApplicationSubmitted)


class TestQuestionsAndAnswers:
    def test_a_question_is_numbered_and_its_answer_published_to_all(self) -> None:
        spec = call()
        asked = AskQuestion(challenge_id=b.CHALLENGE, question="May we use camera feeds?", asked_by=LEAD)
        assert spec.when(asked) == [QuestionAsked(city_id="brugge", question_id="q-1", **asked.model_dump())]
        answer = spec.when(PublishAnswer(challenge_id=b.CHALLENGE, question_id="q-1", answer="Counts only."))
        assert answer == [
            AnswerPublished(
                challenge_id=b.CHALLENGE,
                city_id="brugge",
                question_id="q-1",
                question="May we use camera feeds?",
                answer="Counts only.",
            )
        ]

    def test_refuses_a_question_after_the_call_closed(self) -> None:
        spec = call(date(2027, 2, 13))
        with pytest.raises(Rejected, match="challenge_id: the call for .* closed on 2027-02-12; questions"):
            spec.when(AskQuestion(challenge_id=b.CHALLENGE, question="Still time?"))
        assert len(spec.stored()[STREAM]) == 2

    def test_refuses_answering_a_question_twice_or_one_never_asked(self) -> None:
        spec = call()
        with pytest.raises(Rejected, match="question_id: no question q-7"):
            spec.when(PublishAnswer(challenge_id=b.CHALLENGE, question_id="q-7", answer="?"))
        spec.when(AskQuestion(challenge_id=b.CHALLENGE, question="Which streets?"))
        spec.when(PublishAnswer(challenge_id=b.CHALLENGE, question_id="q-1", answer="The Zand."))
        with pytest.raises(Rejected, match="question_id: q-1 is already answered"):
            spec.when(PublishAnswer(challenge_id=b.CHALLENGE, question_id="q-1", answer="Again"))


IDEA = SubmitIdea(
    challenge_id=b.CHALLENGE,
    title="Cargo bike hub at the Zand",
    summary="One shared hub; vans stop outside the ring.",
    author_name="Team Reiefiets",
    country="BE",
    contact=LEAD,
)
IDEA_ID = idea_id_for(b.CHALLENGE, LEAD.email)


class TestTheCrowdsourcingTrack:
    def test_an_idea_is_shortlisted_and_invited(self) -> None:
        spec = call()
        assert spec.when(IDEA) == [IdeaSubmitted(city_id="brugge", idea_id=IDEA_ID, **IDEA.model_dump())]
        assert spec.when(ShortlistIdea(challenge_id=b.CHALLENGE, idea_id=IDEA_ID)) == [
            IdeaShortlisted(challenge_id=b.CHALLENGE, city_id="brugge", idea_id=IDEA_ID)
        ]
        invite = InviteIdea(challenge_id=b.CHALLENGE, idea_id=IDEA_ID, apply_by=date(2027, 2, 28))
        assert spec.when(invite) == [IdeaInvited(city_id="brugge", **invite.model_dump())]

    def test_refuses_ideas_on_a_challenge_without_the_ideas_track(self) -> None:
        with pytest.raises(Rejected, match="does not collect ideas"):
            call(tracks=(Track.ACCELERATOR,)).when(IDEA)

    def test_only_a_shortlisted_idea_is_invited(self) -> None:
        spec = call()
        spec.when(IDEA)
        with pytest.raises(Rejected, match="idea_id: .* is submitted; only a shortlisted idea is invited"):
            spec.when(InviteIdea(challenge_id=b.CHALLENGE, idea_id=IDEA_ID, apply_by=date(2027, 2, 28)))

    def invited(self) -> Spec:
        spec = call()
        for command in (
            IDEA,
            ShortlistIdea(challenge_id=b.CHALLENGE, idea_id=IDEA_ID),
            InviteIdea(challenge_id=b.CHALLENGE, idea_id=IDEA_ID, apply_by=date(2027, 2, 28)),
            # the call closes
        ):
            spec.when(command)
        spec.given(STREAM, CallClosed(challenge_id=b.CHALLENGE, city_id="brugge"))
        return spec.on(date(2027, 2, 20))

    def test_the_invited_author_applies_after_the_call_closed(self) -> None:
        (event,) = self.invited().when(team(invitation=IDEA_ID))
        assert isinstance(event, ApplicationSubmitted)
        assert event.invited_idea == IDEA_ID

    def test_nobody_else_uses_the_invitation_and_it_runs_out(self) -> None:
        spec = self.invited()
        stranger = Contact(name="Someone", email="someone@example.be")
        with pytest.raises(Rejected, match="invitation: .* holds no running invitation"):
            spec.when(team(invitation=IDEA_ID, contact=stranger))
        with pytest.raises(Rejected, match="challenge_id: the call for .* is not open"):
            spec.when(team())
        with pytest.raises(Rejected, match="invitation: .* holds no running invitation"):
            spec.on(date(2027, 3, 1)).when(team(invitation=IDEA_ID))
