"""Application events: a company answers a challenge, or withdraws."""

from __future__ import annotations

from events.base import Email, Euros, Plain, Slug, StartupEvent, Text, Value


class Contact(Value):
    """Personal data: never published on a city's topic."""

    name: Text
    email: Email
    phone: Plain | None = None


class ApplicationSubmitted(StartupEvent):
    family = "applications"
    private = frozenset({"contact"})
    challenge_id: Slug
    city_id: Slug
    company_name: Text
    enterprise_number: Plain
    contact: Contact
    proposal: Text
    requested_budget: Euros


class ApplicationWithdrawn(StartupEvent):
    family = "applications"
    city_id: Slug
    reason: Text
