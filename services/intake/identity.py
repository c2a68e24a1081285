"""Who an applicant is: its enterprise number, and the startup id that follows from it."""

from __future__ import annotations

import uuid

from stdnum.be import vat as enterprise_number
from stdnum.exceptions import ValidationError

from events.envelope import NAMESPACE
from services.kernel import Rejected


def startup_id_for(challenge_id: str, enterprise: str) -> str:
    """One company, one application per challenge: the id follows from that natural key."""
    return "st-" + uuid.uuid5(NAMESPACE, f"{challenge_id}/{enterprise}").hex[:8]


def valid_enterprise_number(raw: str) -> str:
    try:
        return str(enterprise_number.validate(raw))
    except ValidationError as error:
        raise Rejected(
            "enterprise_number", f"{raw!r} is not a valid Belgian enterprise number ({error})"
        ) from error
