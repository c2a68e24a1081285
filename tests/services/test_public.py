"""The public challenge pages' data and its DCAT-AP description, read back as RDF."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from events.applications import Contact
from events.framing import Criterion, DatasetOnOffer, Offer, Track
from events.ideas import IdeaSubmitted
from events.programme import AnswerPublished, CallClosed, CallOpened, ChallengePublished, QuestionAsked
from services.projector.dcat import Urls, catalog
from services.projector.public import as_json, public_challenges
from services.projector.views import Projection

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
T = datetime(2027, 5, 3, 9, tzinfo=UTC)
URLS = Urls("https://challenges.mechelen.example")


def published(challenge_id: str, **changes: object) -> ChallengePublished:
    fields: dict[str, object] = dict(
        challenge_id=challenge_id,
        city_id="mechelen",
        domain="climate-adaptation",
        title="Cooler streets",
        description="Measure and lower the heat.",
        context="The centre stays 6 °C warmer at night.",
        solution_types=("nature-based solutions",),
        offer=Offer(
            budget_cap=Decimal(8000),
            datasets=(DatasetOnOffer(title="Heat map", url="https://data.mechelen.example/heat"),),
        ),
        criteria=(Criterion(key="impact", title="Impact", weight_percent=100),),
        questions_to="open-innovatie@mechelen.example",
        tracks=(Track.ACCELERATOR, Track.IDEAS),
        opens_on=date(2027, 6, 1),
        closes_on=date(2027, 7, 9),
    )
    return ChallengePublished.model_validate({**fields, **changes})


def views() -> Projection:
    projection = Projection()
    lien = Contact(name="Lien Claes", email="lien@groenegevels.example")
    for event in (
        published("mechelen-climate-2027"),
        CallOpened(challenge_id="mechelen-climate-2027", city_id="mechelen"),
        QuestionAsked(
            challenge_id="mechelen-climate-2027",
            city_id="mechelen",
            question_id="q-1",
            question="Open?",
            asked_by=lien,
        ),
        AnswerPublished(
            challenge_id="mechelen-climate-2027",
            city_id="mechelen",
            question_id="q-1",
            question="Open?",
            answer="Yes.",
        ),
        IdeaSubmitted(
            challenge_id="mechelen-climate-2027",
            city_id="mechelen",
            idea_id="idea-00000001",
            title="Facade gardens",
            summary="Neighbours plant.",
            kind="citizens",
            author_name="Team Groene Gevels",
            country="BE",
            contact=lien,
        ),
        published("mechelen-energy-2026", title="Closed already"),
        CallOpened(challenge_id="mechelen-energy-2026", city_id="mechelen"),
        CallClosed(challenge_id="mechelen-energy-2026", city_id="mechelen"),
        published("brugge-water-2027", city_id="brugge", domain="mobility", title="Upcoming in Brugge"),
    ):
        projection.apply(event, T)
    return projection


def test_the_pages_list_open_and_upcoming_challenges_without_ideas_or_askers() -> None:
    listed = public_challenges(views().challenges.values())
    assert [c.challenge_id for c in listed] == ["brugge-water-2027", "mechelen-climate-2027"]
    assert [c.challenge_id for c in public_challenges(views().challenges.values(), "mechelen")] == [
        "mechelen-climate-2027"
    ]
    text = as_json(listed, T)
    assert "Yes." in text and "Facade gardens" not in text
    for personal in ("Lien Claes", "lien@groenegevels.example", "Team Groene Gevels"):
        assert personal not in text


def graph() -> Graph:
    document = catalog(
        public_challenges(views().challenges.values()), URLS, T, licence="https://cc.example/by"
    )
    return Graph().parse(data=json.dumps(document), format="json-ld")


def test_the_dcat_description_has_dcat_aps_mandatory_properties() -> None:
    g = graph()
    (catalogue,) = g.subjects(RDF.type, DCAT.Catalog)
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.dataset):
        assert g.value(catalogue, prop) is not None, prop
    assert (g.value(catalogue, DCTERMS.publisher), RDF.type, FOAF.Agent) in g
    datasets = set(g.objects(catalogue, DCAT.dataset))
    assert datasets == set(g.subjects(RDF.type, DCAT.Dataset)) and len(datasets) == 2
    for dataset in datasets:
        assert (
            g.value(dataset, DCTERMS.title) is not None and g.value(dataset, DCTERMS.description) is not None
        )
        distribution = g.value(dataset, DCAT.distribution)
        assert (distribution, RDF.type, DCAT.Distribution) in g
        assert isinstance(g.value(distribution, DCAT.accessURL), URIRef)


def test_the_dcat_description_fills_the_recommended_properties_of_a_challenge() -> None:
    g = graph()
    page = URIRef("https://challenges.mechelen.example/challenges/mechelen-climate-2027")
    dataset = URIRef(f"{page}#dataset")
    assert g.value(dataset, DCAT.landingPage) == page
    assert g.value(dataset, DCAT.theme) == URIRef(
        "http://publications.europa.eu/resource/authority/data-theme/ENVI"
    )
    assert Literal("nature-based solutions", lang="en") in set(g.objects(dataset, DCAT.keyword))
    period = g.value(dataset, DCTERMS.temporal)
    start = g.value(period, DCAT.startDate)
    assert isinstance(start, Literal) and start.toPython() == date(2027, 6, 1)
    contact = g.value(dataset, DCAT.contactPoint)
    assert g.value(contact, VCARD.hasEmail) == URIRef("mailto:open-innovatie@mechelen.example")
    distribution = g.value(dataset, DCAT.distribution)
    assert g.value(distribution, DCAT.mediaType) == URIRef(
        "http://www.iana.org/assignments/media-types/application/json"
    )
    assert g.value(distribution, DCTERMS.license) == URIRef("https://cc.example/by")
    assert URIRef("https://data.mechelen.example/heat") in set(g.objects(dataset, DCTERMS.relation))
