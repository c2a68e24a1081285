"""Who and what a synthetic consortium is made of: its cities, companies, people, numbers.

Everything is drawn from a seeded `random.Random`, so the same seed gives the same names,
enterprise numbers and IBANs. Numbers are valid (they pass the domain's own checks).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

CITIES = (
    ("brugge", "be"), ("mechelen", "be"), ("gent", "be"), ("antwerpen", "be"), ("leuven", "be"),
    ("hasselt", "be"), ("kortrijk", "be"), ("oostende", "be"), ("aalst", "be"), ("genk", "be"),
    ("roeselare", "be"), ("sint-niklaas", "be"), ("turnhout", "be"), ("namur", "be"), ("liege", "be"),
    ("charleroi", "be"), ("mons", "be"), ("tournai", "be"), ("arlon", "be"), ("wavre", "be"),
    ("rotterdam", "nl"), ("utrecht", "nl"), ("eindhoven", "nl"), ("groningen", "nl"), ("tilburg", "nl"),
    ("breda", "nl"), ("maastricht", "nl"), ("leiden", "nl"), ("delft", "nl"), ("zwolle", "nl"),
    ("lille", "fr"), ("dunkerque", "fr"), ("arras", "fr"), ("amiens", "fr"), ("reims", "fr"),
    ("nancy", "fr"), ("metz", "fr"), ("aachen", "de"), ("koeln", "de"), ("trier", "de"),
    ("luxembourg", "lu"), ("esch-sur-alzette", "lu"), ("tallinn", "ee"), ("tartu", "ee"),
    ("porto", "pt"), ("braga", "pt"), ("bilbao", "es"), ("valencia", "es"),
)  # fmt: skip
"""48 partner cities of an Interreg-style consortium, with the country of their mail domains."""

FIRST = (
    "An", "Lotte", "Koen", "Sofie", "Els", "Tom", "Ines", "Pieter", "Marie", "Jonas", "Lien", "Bram",
    "Camille", "Hugo", "Léa", "Noah", "Emma", "Lucas", "Sanne", "Daan", "Fleur", "Mehdi", "Yasmine",
    "Ana", "João", "Mikk", "Kadri", "Iker", "Nerea", "Mathis", "Chloé", "Jan", "Eva", "Ruben", "Nora",
)  # fmt: skip
LAST = (
    "Peeters", "Janssens", "Maes", "Vermeulen", "De Smet", "Claes", "Willems", "Goossens", "Wouters",
    "Dubois", "Lambert", "Martin", "de Vries", "Bakker", "Visser", "Jansen", "Mertens", "Dupont",
    "Schmitt", "Tamm", "Silva", "Etxeberria", "Leclercq", "Van Damme", "El Amrani", "Hermans",
)  # fmt: skip
STEMS = (
    "Park", "Curb", "Cargo", "Velo", "Bus", "Litter", "Canal", "Bin", "Dust", "Watt", "Heat", "Volt",
    "Solar", "Grid", "Flow", "Air", "Tree", "Rain", "Dike", "Water", "Route", "Tour", "Stone", "Bell",
    "Lamp", "Noise", "Meter", "Roof", "Data", "Map", "Shade", "Soil", "Bee", "Moss", "Tide", "Quay",
)  # fmt: skip
ENDINGS = (
    "ly", "sense", "route", "flow", "beacon", "lens", "clean", "sight", "map", "warden", "grid",
    "loop", "roofs", "hub", "lab", "works", "wise", "scope", "tics", "mate", "bot", "base", "kit",
)  # fmt: skip
FORMS = ("", " BV", " NV", " SRL", " BVBA", " Labs", " & Co", " Cooperative")
TOPICS = (
    "GDPR for camera data", "public procurement after a pilot", "pricing a city licence",
    "working with the city's IT department", "open data licences", "accessibility audits",
    "energy performance contracts", "citizen participation", "sensor calibration in the field",
    "scaling to a second city", "state aid rules for grants", "writing a pilot evaluation",
)  # fmt: skip


@dataclass(frozen=True)
class Company:
    name: str
    number: str
    """A valid Belgian enterprise number, written with dots (0403.170.701)."""
    mail: str
    iban: str


class People:
    """Draws names and numbers; each enterprise number is given out once."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.numbers = 0

    def person(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def company(self, country: str) -> Company:
        name = f"{self.rng.choice(STEMS)}{self.rng.choice(ENDINGS)}{self.rng.choice(FORMS)}"
        slug = "".join(c for c in name.lower() if c.isalnum())
        self.numbers += 1
        return Company(name, enterprise_number(self.numbers), f"{slug}.{country}", iban(self.rng))


def enterprise_number(n: int) -> str:
    """The n-th valid Belgian enterprise number: 0 + seven digits of n + the mod-97 check."""
    base = 2_000_000 + n * 7 % 8_000_000
    check = 97 - (base % 97)
    digits = f"0{base:07d}{check:02d}"
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


BANKS = (209, 428, 438, 569, 722, 888)
"""Bank codes of the demo's IBANs: codes the IBAN check knows."""


def iban(rng: random.Random) -> str:
    """A valid Belgian IBAN (bank account mod-97, then the IBAN check digits)."""
    account = rng.choice(BANKS) * 10**7 + rng.randrange(10**7)
    check = account % 97 or 97
    bban = f"{account:010d}{check:02d}"
    iban_check = 98 - int(f"{bban}111400") % 97  # B=11, E=14, then "00"
    raw = f"BE{iban_check:02d}{bban}"
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))
