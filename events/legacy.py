"""Superseded versions of event types, kept as they were written so that the log stays readable.

An old event is never rewritten: the reader upcasts it (events/registry.py) to the current
version. These models only generate the old versions' JSON Schemas (their `dataschema` URIs
must keep resolving) and document what the upcasters read; nothing writes them any more.
The classes keep their original names: the schemas' titles and the event types come from them.
"""

from __future__ import annotations

from datetime import date

from events.applications import Contact
from events.base import Euros, Event, Plain, Slug, StartupEvent, Text
from events.programme import ChallengeDomain, ChallengeEvent


class ApplicationSubmitted(StartupEvent):
    family = "applications"
    version = 1
    private = frozenset({"contact"})
    challenge_id: Slug
    city_id: Slug
    company_name: Text
    enterprise_number: Plain
    contact: Contact
    proposal: Text
    requested_budget: Euros


class ChallengePublished(ChallengeEvent):
    family = "programme"
    version = 1
    city_id: Slug
    domain: ChallengeDomain
    title: Text
    description: Plain = ""
    opens_on: date
    closes_on: date


SUPERSEDED: tuple[type[Event], ...] = (ApplicationSubmitted, ChallengePublished)
