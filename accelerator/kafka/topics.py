"""Topic names as deployed: the registry's names behind an optional prefix (test isolation)."""

from __future__ import annotations

from dataclasses import dataclass

from events import topics
from events.base import FAMILIES


@dataclass(frozen=True)
class Names:
    prefix: str = ""

    def commands(self, service: str) -> str:
        return self.prefix + topics.command_topic(service)

    def events(self, family: str) -> str:
        return self.prefix + topics.event_topic(family)

    def all_events(self) -> list[str]:
        return [self.events(f) for f in FAMILIES]

    def city(self, city: str) -> str:
        return self.prefix + topics.city_topic(city)

    @property
    def finance(self) -> str:
        return self.prefix + topics.FINANCE

    @property
    def replies(self) -> str:
        return self.prefix + topics.REPLIES

    @property
    def dlq(self) -> str:
        return self.prefix + topics.DLQ

    def group(self, name: str) -> str:
        return f"{self.prefix}accelerator-{name}"

    def groups(self) -> str:
        """What every worker's consumer group name starts with."""
        return f"{self.prefix}accelerator-"

    def cities(self) -> str:
        """What every city topic's name starts with."""
        return self.city("")

    def principal(self, role: str) -> str:
        """The SASL username of a role: a worker, `client`, `finance`, `city-<name>`."""
        return f"{self.prefix}accelerator-{role}"

    def partner_groups(self, role: str) -> str:
        """The consumer groups a partner (finance, a city) may use start with this."""
        return f"{self.prefix}{role.replace('-', '.', 1)}."
