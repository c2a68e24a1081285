"""Who may do what: the one declarative table the server enforces, default-deny.

A token has a role: `manager` (the programme manager: everything), `finance`, `reviewer`,
`city:<city id>` or `startup:<startup id>`. `COMMANDS` says which command types each role
other than the manager may send, `QUERIES` which questions it may ask. A command type that
no line names is for the programme manager only: a new command in `services.routing`
appears in the API at once, for the manager, and one line here opens it to another role.

What a role may *see* of a resource (its own city, itself, its assignments) is decided by
`accelerator.web.scope`; this table only says which kinds of request it may make.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from services.intake.commands import (
    AmendChallenge,
    CloseCall,
    OpenCall,
    PublishChallenge,
    WithdrawApplication,
)
from services.intake.open_commands import ShortlistIdea
from services.kernel import Command
from services.participation.commands import SubmitDeliverable
from services.payments.commands import (
    ApprovePayment,
    ChangeBeneficiaryAccount,
    ExportPayments,
    RecordDisbursement,
    RecordPaymentFailure,
    RejectPayment,
    RetryPayment,
)
from services.pilots.commands import (
    CompletePilot,
    RecordProcurement,
    RecordRollOut,
    StartPilot,
    StopFollowUp,
)
from services.selection.commands import (
    AcceptOffer,
    DeclareConflictOfInterest,
    DeclineOffer,
    ScoreApplication,
)


class Kind(StrEnum):
    MANAGER = "manager"
    FINANCE = "finance"
    CITY = "city"
    REVIEWER = "reviewer"
    STARTUP = "startup"


class Query(StrEnum):
    """The kinds of question the API and the dashboard answer."""

    STARTUPS = "startups"
    """Startups, one startup's state and history (`as_of`), grants and pilots."""
    CHALLENGES = "challenges"
    APPLICATIONS = "applications"
    REVIEWS = "reviews"
    PAYMENTS = "payments"
    """Payments with their bank details where the role may see them (finance, the startup)."""
    STREAM = "stream"
    OPERATIONS = "operations"
    """Dead letters, the scheduler's tick, whether the read model matches the log."""


SCOPED = frozenset({Kind.CITY, Kind.STARTUP})
"""Roles named after what they own: `city:<id>`, `startup:<id>`."""


def _commands(*types: type[Command]) -> frozenset[type[Command]]:
    return frozenset(types)


COMMANDS: Mapping[Kind, frozenset[type[Command]]] = MappingProxyType(
    {
        Kind.FINANCE: _commands(
            ApprovePayment,
            RejectPayment,
            RecordDisbursement,
            RecordPaymentFailure,
            RetryPayment,
            ChangeBeneficiaryAccount,
            ExportPayments,
        ),
        Kind.CITY: _commands(
            PublishChallenge,
            AmendChallenge,
            OpenCall,
            CloseCall,
            ShortlistIdea,
            StartPilot,
            CompletePilot,
            RecordProcurement,
            RecordRollOut,
            StopFollowUp,
        ),
        Kind.REVIEWER: _commands(DeclareConflictOfInterest, ScoreApplication),
        Kind.STARTUP: _commands(SubmitDeliverable, AcceptOffer, DeclineOffer, WithdrawApplication),
    }
)

QUERIES: Mapping[Kind, frozenset[Query]] = MappingProxyType(
    {
        Kind.MANAGER: frozenset(Query),
        Kind.FINANCE: frozenset({Query.PAYMENTS, Query.STREAM}),
        Kind.CITY: frozenset(
            {Query.STARTUPS, Query.CHALLENGES, Query.APPLICATIONS, Query.PAYMENTS, Query.STREAM}
        ),
        Kind.REVIEWER: frozenset({Query.CHALLENGES, Query.APPLICATIONS, Query.REVIEWS}),
        Kind.STARTUP: frozenset(
            {Query.STARTUPS, Query.CHALLENGES, Query.APPLICATIONS, Query.PAYMENTS, Query.STREAM}
        ),
    }
)

PROGRAMME_WIDE = _commands(ExportPayments)
"""Commands about the whole programme, not one city, challenge or startup (the SEPA file of
every instructed payment): a role that may send them acts on all of it."""

SELF_FIELDS: Mapping[Kind, str] = MappingProxyType({Kind.REVIEWER: "reviewer"})
"""A reviewer's command names a reviewer: it must be the token's holder."""

_SUBJECT = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


@dataclass(frozen=True)
class Role:
    kind: Kind
    subject: str | None = None
    """The city's id for `city:<id>`, the startup's id for `startup:<id>`."""

    def __str__(self) -> str:
        return f"{self.kind}:{self.subject}" if self.subject else str(self.kind)

    @classmethod
    def parse(cls, text: str) -> Role:
        kind, _, subject = text.strip().partition(":")
        if kind not in set(Kind) or (Kind(kind) in SCOPED) != bool(subject):
            raise ValueError(
                "role: must be manager, finance, reviewer, city:<city id> or startup:<startup id> "
                f"(got {text!r})"
            )
        if subject and not _SUBJECT.match(subject):
            raise ValueError(f"role: {subject!r} is not an id (lowercase letters, digits and dashes)")
        return cls(Kind(kind), subject or None)

    def may_send(self, command: type[Command]) -> bool:
        return self.kind is Kind.MANAGER or command in COMMANDS.get(self.kind, frozenset())

    def may_ask(self, query: Query) -> bool:
        return query in QUERIES.get(self.kind, frozenset())
