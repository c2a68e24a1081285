"""Whose number is it: a company's or institution's number in its own country's register,
checked with python-stdnum, or an EU VAT number; a refusal names the country and the rule.

| country | numbers taken | check |
|---|---|---|
| BE | enterprise number (0403.170.701) | stdnum.be.vat: mod 97 |
| NL | KvK number (8 digits) | format only: the KvK number has no check digit (stdnum has no module) |
| FR | SIREN (9 digits) or SIRET (14) | stdnum.fr.siren / siret: Luhn |
| GB | Companies House number (8 digits, or 2 letters and 6 digits) | format only: no check digit |
| any EU state (and XI) | VAT number with its prefix (NL814553321B01) | stdnum.eu.vat: that country's rule |

Identity (one application per applicant and challenge) uses the legal entity: a Belgian VAT
number is the enterprise number, a French SIRET or TVA number gives its SIREN.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from stdnum.be import vat as be_vat
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError
from stdnum.fr import siren, siret, tva

from events.applications import Registration, RegistrationScheme
from services.kernel import Rejected

COUNTRIES = {"BE": "Belgian", "NL": "Dutch", "FR": "French", "GB": "British"}
VAT_PREFIX = re.compile(r"^\s*(?P<prefix>[A-Za-z]{2})")
KVK = re.compile(r"^[0-9]{8}$")
GB_COMPANY = re.compile(r"^(?:[0-9]{8}|(?:SC|NI|OC|SO|NC|LP|SL|SF|NL|NF|NP|NZ|IP|SP|RC|SR|R0|ZC)[0-9]{6})$")


@dataclass(frozen=True)
class Rule:
    scheme: RegistrationScheme
    name: str
    rule: str
    validate: Callable[[str], str]


def _format(pattern: re.Pattern[str]) -> Callable[[str], str]:
    def validate(raw: str) -> str:
        number = re.sub(r"[\s.\-/]", "", raw).upper()
        if not pattern.match(number):
            raise ValidationError()
        return number

    return validate


BE = Rule(
    RegistrationScheme.BE_ENTERPRISE,
    "Belgian enterprise number",
    "10 digits starting 0 or 1, the last two being 97 minus the first eight modulo 97",
    lambda raw: str(be_vat.validate(raw)),
)
NL_KVK = Rule(
    RegistrationScheme.NL_KVK,
    "Dutch KvK number",
    "8 digits (the KvK number has no check digit)",
    _format(KVK),
)
FR_SIREN = Rule(
    RegistrationScheme.FR_SIREN, "French SIREN", "9 digits passing the Luhn check", siren.validate
)
FR_SIRET = Rule(
    RegistrationScheme.FR_SIRET, "French SIRET", "14 digits passing the Luhn check", siret.validate
)
GB_CH = Rule(
    RegistrationScheme.GB_COMPANY,
    "British company number",
    "8 digits, or a Companies House prefix (SC, NI, OC, ...) and 6 digits",
    _format(GB_COMPANY),
)


def eu_vat_rule(country: str) -> Rule:
    return Rule(
        RegistrationScheme.EU_VAT,
        f"{COUNTRIES.get(country, country)} VAT number",
        f"the prefix {country} and that country's VAT number with its check digits",
        lambda raw: str(eu_vat.validate(raw)),
    )


def rule_for(country: str, raw: str) -> Rule:
    """Which register a number of this country and shape belongs to."""
    digits = re.sub(r"[\s.\-/]", "", raw)
    prefix = VAT_PREFIX.match(raw)
    if prefix and prefix["prefix"].upper() != "GB" and not GB_COMPANY.match(digits.upper()):
        return BE if prefix["prefix"].upper() == "BE" else eu_vat_rule(prefix["prefix"].upper())
    match country:
        case "BE":
            return BE
        case "NL":
            return NL_KVK
        case "FR":
            return FR_SIRET if len(digits) > 9 else FR_SIREN
        case "GB":
            return GB_CH
    raise Rejected(
        "enterprise_number",
        f"an applicant from {country} is identified by its EU VAT number with the prefix {country} "
        f"(got {raw!r})",
    )


def country_of(rule: Rule, number: str, country: str) -> str:
    """An EU VAT number says its own country (EL is Greece's VAT prefix for GR)."""
    if rule.scheme is RegistrationScheme.EU_VAT:
        prefix = number[:2].upper()
        return "GR" if prefix == "EL" else prefix
    return "BE" if rule is BE else country


def _why(error: ValidationError) -> str:
    if isinstance(error, InvalidChecksum):
        return "the check digits are wrong"
    if isinstance(error, InvalidLength):
        return "it has the wrong length"
    return "it has the wrong format"


def registration(country: str, raw: str) -> tuple[Registration, str]:
    """The compact registration and the applicant's country, or a refusal naming both rules."""
    rule = rule_for(country, raw)
    try:
        number = rule.validate(raw)
    except ValidationError as error:
        raise Rejected(
            "enterprise_number", f"{raw!r} is not a valid {rule.name}: {_why(error)} (rule: {rule.rule})"
        ) from error
    return Registration(scheme=rule.scheme, number=number), country_of(rule, number, country)


def entity_key(reg: Registration) -> str:
    """One legal entity, one key: Belgian numbers as they always were (old ids stay valid)."""
    number = reg.number
    if reg.scheme is RegistrationScheme.BE_ENTERPRISE:
        return number
    if reg.scheme is RegistrationScheme.EU_VAT and number.startswith("BE"):
        return number[2:]
    if reg.scheme is RegistrationScheme.FR_SIRET:
        return f"FR:{siret.to_siren(number)}"
    if reg.scheme is RegistrationScheme.FR_SIREN:
        return f"FR:{number}"
    if reg.scheme is RegistrationScheme.EU_VAT and number.startswith("FR"):
        return f"FR:{tva.to_siren(number)}"
    return f"{reg.scheme}:{number}"
