"""Amounts of euros as people type them: Belgians write `2,50` for two euros fifty.

A single separator followed by one or two digits is the decimal separator, whichever it is
(`2,50`, `8500.50`). Amounts with thousands separators are read by Babel in the locale the
last separator implies (`10.000,50` Belgian, `10,000.50` English), strictly: `1,2,3` is
refused, never read as 123. One separator followed by three digits (`2,500`) means two
thousand five hundred to one reader and two and a half to another: it is refused.
"""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal

_CURRENCY = re.compile(r"^(?:€|EUR)\s*|\s*(?:€|EUR)$", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_DECIMAL = re.compile(r"^(?P<sign>-?)(?P<whole>[0-9]+)(?:[.,](?P<cents>[0-9]{1,2}))?$")
_AMBIGUOUS = re.compile(r"^[0-9]{1,3}[.,][0-9]{3}$")
_GROUPED = re.compile(r"^[0-9][0-9.,]*[0-9]$")
MAX_WHOLE_DIGITS = 9


class NotAnAmount(ValueError):
    """What is wrong with the text, in words for the one-line error after the field name."""


def euros(raw: str) -> Decimal:
    text = _SPACES.sub("", _CURRENCY.sub("", raw.strip()))
    if plain := _DECIMAL.match(text):
        cents = f".{plain['cents']}" if plain["cents"] else ""
        return _checked(Decimal(plain["sign"] + plain["whole"] + cents), raw)
    if _AMBIGUOUS.match(text):
        whole, part = re.split(r"[.,]", text)
        raise NotAnAmount(
            f"{raw!r} is ambiguous (thousands or decimals?): write {int(whole + part)} without a "
            f"separator, or two decimals like {whole},{part[:2]}"
        )
    if not _GROUPED.match(text):
        raise NotAnAmount(f"must be an amount in euros, like 2500 or 2500,50 (got {raw!r})")
    try:
        return _checked(parse_decimal(text, locale=_locale(text), strict=True), raw)
    except NumberFormatError as error:
        raise NotAnAmount(f"{raw!r} is not an amount in euros: {error.args[0]}") from error


def _locale(text: str) -> str:
    """Belgian (`.` groups, `,` decimals) or English, as the separators show."""
    if "," in text and "." in text:
        return "nl_BE" if text.rfind(",") > text.rfind(".") else "en_GB"
    return "nl_BE" if "." in text else "en_GB"


def _checked(amount: Decimal, raw: str) -> Decimal:
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise NotAnAmount(f"must be in whole cents (got {raw!r})")
    if len(str(abs(int(amount)))) > MAX_WHOLE_DIGITS:
        raise NotAnAmount(f"must have at most {MAX_WHOLE_DIGITS} digits before the separator (got {raw!r})")
    return amount
