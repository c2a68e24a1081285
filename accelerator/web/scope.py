"""What a principal may see and act on, resource by resource.

- the programme manager: everything;
- finance: every startup's payments, with bank details; no other events;
- `city:<id>`: the challenges of its city and the startups that applied to them (a
  startup's city is its application's), their events redacted as on the city's own feed
  (`services.cities.domain.redact`: no contact details, no IBANs);
- a reviewer: the applications assigned to them; their own scores, and the others' only
  once the application is decided;
- `startup:<id>`: itself, with its own contact details and IBAN, without the jury's
  deliberation (who reviews it, their scores).

Something a city, startup or reviewer may not see does not exist for it: `not_found`, the
same answer as for an id nobody knows, never a 403 that would confirm it exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from accelerator.web.problems import forbidden, not_found
from accelerator.web.reader import Reader
from accelerator.web.roles import PROGRAMME_WIDE, SELF_FIELDS, Kind
from accelerator.web.tokens import Principal
from events import CloudEvent
from events.ids import PaymentId
from events.selection import ApplicationScored, ConflictOfInterestDeclared, ReviewerAssigned
from services.cities.domain import redact
from services.kernel import Command
from services.projector.views import ChallengeView, StartupView

JURY = frozenset(
    cls.event_type() for cls in (ReviewerAssigned, ConflictOfInterestDeclared, ApplicationScored)
)
"""The jury's deliberation: not for the startup it is about."""

UNDECIDED = frozenset({"applied", "withdrawn"})


def kind(p: Principal) -> Kind:
    return p.role.kind


def sees_startup(p: Principal, view: StartupView | None) -> bool:
    if view is None:
        return False
    match kind(p):
        case Kind.MANAGER | Kind.FINANCE:
            return True
        case Kind.CITY:
            return view.city_id == p.role.subject
        case Kind.STARTUP:
            return view.startup_id == p.role.subject
        case Kind.REVIEWER:
            return p.holder in view.reviewers
    return False


def sees_challenge(p: Principal, view: ChallengeView | None) -> bool:
    return view is not None and (kind(p) is not Kind.CITY or view.city_id == p.role.subject)


def sees_private(p: Principal, startup_id: str, iban: bool = False) -> bool:
    """Contact details: the manager and the startup itself; IBANs also finance."""
    own = kind(p) is Kind.STARTUP and p.role.subject == startup_id
    return kind(p) is Kind.MANAGER or own or (iban and kind(p) is Kind.FINANCE)


def startup(p: Principal, reader: Reader, startup_id: str) -> StartupView:
    """The startup as this principal may see it, or 404."""
    view = reader.startup(startup_id)
    if view is None or not sees_startup(p, view):
        raise not_found(f"startup_id: no startup {startup_id!r}")
    return startup_view(p, view)


def startup_view(p: Principal, view: StartupView) -> StartupView:
    match kind(p):
        case Kind.STARTUP | Kind.FINANCE:
            return view.model_copy(update={"reviewers": [], "conflicts": [], "scores": {}})
        case Kind.REVIEWER if view.phase in UNDECIDED:
            return view.model_copy(update={"scores": {r: s for r, s in view.scores.items() if r == p.holder}})
    return view


def event_view(p: Principal, ce: CloudEvent) -> CloudEvent | None:
    """The event as this principal may see it on a stream or in a history; None: not at all."""
    match kind(p):
        case Kind.MANAGER:
            return ce
        case Kind.FINANCE:
            return ce if ce.family == "payments" else None
        case Kind.CITY:
            return redact(ce) if ce.city == p.role.subject else None
        case Kind.STARTUP:
            return ce if ce.subject == p.role.subject and ce.type not in JURY else None
    return None


def outcome_view(p: Principal, ce: CloudEvent, command_id: str) -> CloudEvent | None:
    """An event of a command's outcome: what the caller's own command recorded, redacted as
    on a city's feed unless the caller may see private data; reactions as on a stream."""
    seen = event_view(p, ce)
    if seen is None and ce.causationid == command_id:
        return ce if sees_private(p, ce.subject, iban=True) else redact(ce)
    return seen


@dataclass
class Targets:
    """What a command names: startups, challenges, cities."""

    startups: set[str] = field(default_factory=set)
    challenges: set[str] = field(default_factory=set)
    cities: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.startups or self.challenges or self.cities)


def targets(command: Command) -> Targets:
    found = Targets()
    for name, value in command:
        if isinstance(value, PaymentId):
            found.startups.add(value.startup_id)
        elif name == "startup_id":
            found.startups.add(value)
        elif name == "startup_ids":
            found.startups.update(value)
        elif name == "challenge_id":
            found.challenges.add(value)
        elif name == "city_id":
            found.cities.add(value)
    return found


def check_command(p: Principal, command: Command, reader: Reader) -> None:
    """Refuse a command about something this principal may not act on (its type is allowed)."""
    if kind(p) is Kind.MANAGER or type(command) in PROGRAMME_WIDE:
        return
    named = targets(command)
    if not named:
        raise forbidden(f"{type(command).__name__}: names nothing a {kind(p)} may act on")
    for city in named.cities:
        if kind(p) is Kind.CITY and city != p.role.subject:
            raise not_found(f"city_id: no city {city!r} of yours")
    for challenge_id in named.challenges:
        view = reader.challenge(challenge_id)
        creating = view is None and bool(named.cities)  # publishing names its city
        if not creating and not sees_challenge(p, view):
            raise not_found(f"challenge_id: no challenge {challenge_id!r}")
    for startup_id in named.startups:
        if not sees_startup(p, reader.startup(startup_id)):
            raise not_found(f"startup_id: no startup {startup_id!r}")
    if (name := SELF_FIELDS.get(kind(p))) and (value := getattr(command, name, None)) not in (None, p.holder):
        raise forbidden(f"{name}: must be yourself ({p.holder}), not {value}")
