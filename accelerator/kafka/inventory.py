"""What the broker holds: principals, their ACLs, the city topics (for `cities list`, `principals list`)."""

from __future__ import annotations

from collections import defaultdict

from kafka.admin import ACL

from accelerator.kafka.admin import admin
from accelerator.kafka.auth import ADMIN, username
from accelerator.kafka.principals import acls, principals
from accelerator.kafka.topics import Names
from accelerator.settings import Settings


def _shown(found: ACL) -> str:
    pattern = found.resource_pattern
    star = "*" if pattern.pattern_type.name == "PREFIXED" else ""
    return f"{found.operation.name} {pattern.resource_type.name.lower()} {pattern.resource_name}{star}"


def everyone(settings: Settings) -> list[tuple[str, list[str]]]:
    client = admin(settings, ADMIN)
    try:
        by_principal: dict[str, list[str]] = defaultdict(list)
        for found in acls(client):
            by_principal[found.principal.removeprefix("User:")].append(_shown(found))
        names = sorted(principals(client) | set(by_principal))
        return [(name, sorted(by_principal.get(name, []))) for name in names]
    finally:
        client.close()


def partners(settings: Settings) -> list[tuple[str, str | None, str | None, list[str]]]:
    """(city, its topic if it exists, its principal if it has one, its ACLs)."""
    names = Names(settings.topic_prefix)
    client = admin(settings, ADMIN)
    try:
        topics = {t for t in client.list_topics() if t.startswith(names.cities())}
        users = principals(client)
        prefix = username(settings, "city-")
        cities = {t.removeprefix(names.cities()) for t in topics} | {
            u.removeprefix(prefix) for u in users if u.startswith(prefix)
        }
        found = []
        for city in sorted(cities):
            user = username(settings, f"city-{city}")
            topic = names.city(city)
            granted = sorted(_shown(a) for a in acls(client, user)) if user in users else []
            found.append((city, topic if topic in topics else None, user if user in users else None, granted))
        return found
    finally:
        client.close()
