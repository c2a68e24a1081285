"""Dutch (the default) and English: Babel catalogues, and Belgian formats for both.

The catalogues are `locales/<lang>/LC_MESSAGES/messages.po`, checked in; they are compiled
in memory when the app starts (no `.mo` to build or forget on a fresh clone). Amounts read
`€ 10.000,00` in Dutch, dates `28/11/2026` or `28 nov 2026` (Belgian, nl_BE); English uses
Belgian English (`10.000,00 €`, `28/11/2026`, `28 Nov 2026`).

`python -m accelerator.web.i18n` extracts the messages of the templates and the code and
merges them into both catalogues (then translate the new Dutch entries).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import Translations

from services.kernel import PROGRAMME_TZ

LOCALES = {"nl": "nl_BE", "en": "en_BE"}
DEFAULT = "nl"
CATALOGUES = Path(__file__).resolve().parent / "locales"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def N_(message: str) -> str:
    """Marks a message for extraction; translated where it is shown."""
    return message


@cache
def translations(lang: str) -> Translations:
    """The language's catalogue, compiled in memory from its .po file."""
    with (CATALOGUES / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=LOCALES[lang])
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


def language(requested: str | None) -> str:
    return requested if requested in LOCALES else DEFAULT


class Formats:
    """Numbers, amounts and dates the way they are written in Belgium, in one language."""

    def __init__(self, lang: str) -> None:
        self.lang, self.locale = lang, LOCALES[lang]

    def money(self, amount: Decimal | float | int | None) -> str:
        return "" if amount is None else format_currency(Decimal(amount), "EUR", locale=self.locale)

    def number(self, value: Decimal | float | int) -> str:
        return format_decimal(value, locale=self.locale)

    def day(self, value: date | None) -> str:
        return "" if value is None else format_date(value, "dd/MM/yyyy", locale=self.locale)

    def day_long(self, value: date | None) -> str:
        return "" if value is None else format_date(value, "medium", locale=self.locale)

    def month(self, value: date) -> str:
        return format_date(value, "MMM yyyy", locale=self.locale)

    def moment(self, value: datetime | None) -> str:
        if value is None:
            return ""
        return format_datetime(value.astimezone(PROGRAMME_TZ), "dd/MM/yyyy HH:mm", locale=self.locale)

    def filters(self) -> dict[str, Callable[..., str]]:
        return {
            "money": self.money,
            "number": self.number,
            "day": self.day,
            "day_long": self.day_long,
            "moment": self.moment,
        }


def update_catalogues() -> None:
    """Extract the messages of the code and templates and merge them into every catalogue."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import write_po

    template = Catalog()
    methods = [("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
    root = Path(__file__).resolve().parent
    for filename, lineno, message, comments, context in extract_from_dir(
        root, methods, options, keywords=KEYWORDS
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    for lang, locale in LOCALES.items():
        path = CATALOGUES / lang / "LC_MESSAGES" / "messages.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as po:
                catalog = read_po(po, locale=locale)
        else:
            catalog = Catalog(locale=locale)
        catalog.update(template, no_fuzzy_matching=True)
        with path.open("wb") as po:
            write_po(po, catalog, omit_header=False, sort_output=True, width=100)


if __name__ == "__main__":
    update_catalogues()
