"""A DCAT-AP description of the public challenges (JSON-LD), for a city's open data portal.

One `dcat:Catalog` with one `dcat:Dataset` per listed challenge; each dataset has the
mandatory DCAT-AP properties (dct:title, dct:description) and the recommended ones we can
fill (publisher, contact point, keywords, EU data theme, temporal coverage, landing page, a
JSON distribution with its access URL, media type and format). The context is inline: a
portal harvests the document without fetching anything else. `Urls` says where the web app
serves the pages and JSON the description points to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.projector.public import PublicChallenge

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
EU = "http://publications.europa.eu/resource/authority/"
THEMES = {
    "mobility": "TRAN",
    "smart-energy": "ENER",
    "cleanliness-environment": "ENVI",
    "climate-adaptation": "ENVI",
    "digital-services": "GOVE",
    "tourism-heritage": "EDUC",
}
"""Challenge domains onto the EU's data-theme vocabulary (DCAT-AP's dcat:theme)."""
JSON_MEDIA = "http://www.iana.org/assignments/media-types/application/json"


@dataclass(frozen=True)
class Urls:
    """Where the public pages live: `{base}/challenges/{id}` (page) and `.json` (its data)."""

    base: str

    def page(self, challenge_id: str) -> str:
        return f"{self.base.rstrip('/')}/challenges/{challenge_id}"

    def data(self, challenge_id: str) -> str:
        return f"{self.page(challenge_id)}.json"

    def city(self, city_id: str) -> str:
        return f"{self.base.rstrip('/')}/cities/{city_id}"

    @property
    def catalog(self) -> str:
        return f"{self.base.rstrip('/')}/challenges.dcat.jsonld"


def _literal(value: str, language: str = "en") -> dict[str, str]:
    return {"@value": value, "@language": language}


def _typed(value: object, kind: str) -> dict[str, str]:
    return {"@value": str(value), "@type": f"xsd:{kind}"}


def _agent(urls: Urls, city_id: str) -> dict[str, Any]:
    return {"@id": urls.city(city_id), "@type": "foaf:Agent", "foaf:name": city_id.replace("-", " ").title()}


def dataset(challenge: PublicChallenge, urls: Urls, licence: str | None = None) -> dict[str, Any]:
    """One challenge as a dcat:Dataset with a JSON distribution."""
    described = "\n\n".join(filter(None, [challenge.description, challenge.context])) or challenge.title
    distribution: dict[str, Any] = {
        "@id": urls.data(challenge.challenge_id),
        "@type": "dcat:Distribution",
        "dct:title": _literal(f"{challenge.title} (JSON)"),
        "dcat:accessURL": {"@id": urls.data(challenge.challenge_id)},
        "dcat:downloadURL": {"@id": urls.data(challenge.challenge_id)},
        "dcat:mediaType": {"@id": JSON_MEDIA},
        "dct:format": {"@id": f"{EU}file-type/JSON"},
    }
    if licence:
        distribution["dct:license"] = {"@id": licence}
    found: dict[str, Any] = {
        "@id": f"{urls.page(challenge.challenge_id)}#dataset",
        "@type": "dcat:Dataset",
        "dct:identifier": challenge.challenge_id,
        "dct:title": _literal(challenge.title),
        "dct:description": _literal(described),
        "dct:publisher": _agent(urls, challenge.city_id),
        "dcat:keyword": [_literal(k) for k in (challenge.domain, *challenge.solution_types)],
        "dcat:theme": {"@id": f"{EU}data-theme/{THEMES.get(challenge.domain, 'GOVE')}"},
        "dct:accessRights": {"@id": f"{EU}access-right/PUBLIC"},
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": _typed(challenge.opens_on, "date"),
            "dcat:endDate": _typed(challenge.closes_on, "date"),
        },
        "dcat:landingPage": {"@id": urls.page(challenge.challenge_id)},
        "dcat:distribution": [distribution],
        "dct:relation": [{"@id": str(d.url)} for d in challenge.offer.datasets],
    }
    if challenge.published_at:
        found["dct:issued"] = _typed(challenge.published_at.isoformat(), "dateTime")
    if challenge.updated_at:
        found["dct:modified"] = _typed(challenge.updated_at.isoformat(), "dateTime")
    if challenge.questions_to:
        found["dcat:contactPoint"] = {
            "@type": "vcard:Organization",
            "vcard:fn": f"Open innovation programme, {challenge.city_id.title()}",
            "vcard:hasEmail": {"@id": f"mailto:{challenge.questions_to}"},
        }
    return found


def catalog(
    challenges: list[PublicChallenge],
    urls: Urls,
    generated_at: datetime,
    publisher: str = "open-innovation-programme",
    licence: str | None = None,
) -> dict[str, Any]:
    """The whole description: a dcat:Catalog of the listed challenges."""
    return {
        "@context": CONTEXT,
        "@id": urls.catalog,
        "@type": "dcat:Catalog",
        "dct:title": _literal("Open innovation challenges"),
        "dct:description": _literal(
            "Challenges the partner cities publish for anyone to answer: companies, knowledge "
            "institutions, citizens and teams. Each dataset is one challenge with its framing."
        ),
        "dct:publisher": _agent(urls, publisher),
        "dct:modified": _typed(generated_at.isoformat(), "dateTime"),
        "dct:language": {"@id": f"{EU}language/ENG"},
        "foaf:homepage": {"@id": urls.base},
        "dcat:dataset": [dataset(c, urls, licence) for c in challenges],
    }


def as_jsonld(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)
