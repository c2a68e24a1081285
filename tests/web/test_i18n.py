"""Dutch by default, English on request: every message of the templates and the code is in
both catalogues, every Dutch one translated with the same placeholders; Belgian formats."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from accelerator.web.i18n import CATALOGUES, KEYWORDS, LOCALES, Formats

WEB = Path(__file__).resolve().parents[2] / "accelerator" / "web"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def extracted() -> set[str]:
    methods = [("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        WEB, methods, options, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_every_message_is_in_the_catalogue(lang: str) -> None:
    with (CATALOGUES / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalogue = read_po(po)
    known = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalogue if m.id}
    assert extracted() - known == set(), "run: python -m accelerator.web.i18n, then translate"


def test_every_dutch_message_is_translated_with_its_placeholders() -> None:
    with (CATALOGUES / "nl" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalogue = read_po(po)
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {ids[0]!r}"
        assert "fuzzy" not in message.flags, ids[0]
        for string in strings:
            assert sorted(PLACEHOLDER.findall(str(string))) == sorted(PLACEHOLDER.findall(str(ids[-1]))), ids[
                0
            ]


def test_amounts_and_dates_are_written_the_belgian_way() -> None:
    nl, en = Formats("nl"), Formats("en")
    assert nl.money(Decimal("10000")) == "€\xa010.000,00"
    assert en.money(Decimal("2850.5")) == "2.850,50\xa0€"
    assert nl.day(date(2026, 11, 28)) == en.day(date(2026, 11, 28)) == "28/11/2026"
    assert nl.day_long(date(2026, 11, 28)) == "28 nov 2026"
    assert nl.moment(datetime.fromisoformat("2027-03-01T08:00:00+00:00")) == "01/03/2027 09:00"
