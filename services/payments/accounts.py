"""Beneficiary and debtor accounts: an IBAN of the SEPA zone, its BIC, the holder's name.

Checked with schwifty: the IBAN's checksum and national format, that its country is in the
SEPA zone (a SEPA credit transfer cannot reach others), and that a BIC, when given, belongs
to the IBAN's bank wherever schwifty's bank registry knows that bank.
"""

from __future__ import annotations

from dataclasses import dataclass

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from services.kernel import Rejected


@dataclass(frozen=True)
class Account:
    iban: str
    bic: str
    holder: str


def valid_iban(raw: str, field: str = "iban") -> IBAN:
    try:
        iban = IBAN(raw)
    except SchwiftyException as error:
        raise Rejected(field, f"{raw!r} is not a valid IBAN ({error})") from error
    if not iban.in_sepa_zone:
        raise Rejected(field, f"{iban.formatted} is not in the SEPA zone: a SEPA transfer cannot reach it")
    return iban


def valid_bic(raw: str, iban: IBAN, field: str = "bic") -> str:
    """The BIC as given (compact), or the IBAN's bank's own when none is given and it is known."""
    if not raw.strip():
        return str(iban.bic or "")
    try:
        bic = BIC(raw)
    except SchwiftyException as error:
        raise Rejected(field, f"{raw!r} is not a valid BIC ({error})") from error
    known = _banks_of(iban)
    if known and bic.compact[:8] not in known:
        raise Rejected(
            field,
            f"{bic.compact} is not the BIC of {iban.formatted}'s bank "
            f"({iban.bank_name or iban.bank_code}: {', '.join(sorted(known))})",
        )
    return bic.compact


def _banks_of(iban: IBAN) -> set[str]:
    """The 8-character BICs schwifty knows for the IBAN's bank (none: it does not know it)."""
    try:
        candidates = BIC.candidates_from_bank_code(iban.country_code, iban.bank_code)
    except SchwiftyException:
        return set()
    return {str(candidate.compact)[:8] for candidate in candidates}


def account(iban: str, bic: str, holder: str, prefix: str = "") -> Account:
    """A checked account; `prefix` names the fields in refusals (e.g. "debtor_")."""
    checked = valid_iban(iban, f"{prefix}iban")
    if not holder.strip():
        raise Rejected(f"{prefix}account_holder", "must name the account holder")
    return Account(checked.compact, valid_bic(bic, checked, f"{prefix}bic"), holder.strip())
