"""The routing table is whole, and each command writes the one stream its key names."""

from __future__ import annotations

from collections import defaultdict

from services.routing import COMMANDS, DECIDERS, SERVICES
from tests.conftest import DemoRun

KEYED_BY_SUBJECT = ("challenge", "application", "selection", "participation", "grant", "pilot", "outcome")
"""Deciders whose aggregate id is the subject of their events (a startup or a challenge)."""


def test_every_command_has_one_decider_in_one_service() -> None:
    owners = defaultdict(list)
    for service, deciders in SERVICES.items():
        for decider in deciders:
            for command in decider.commands:
                owners[command].append(service)
    assert all(len(services) == 1 for services in owners.values())
    assert set(owners) == set(DECIDERS) == set(COMMANDS.values())


def test_in_the_demo_every_command_wrote_one_stream_named_by_its_key(embedded_demo: DemoRun) -> None:
    streams_by_command = defaultdict(set)
    for ce in embedded_demo.runtime.history():
        assert ce.stream is not None and ce.causationid is not None
        streams_by_command[ce.causationid].add(ce.stream)
        prefix = ce.stream.split("-", 1)[0]
        if prefix in KEYED_BY_SUBJECT:
            assert ce.stream == f"{prefix}-{ce.subject}", ce.type
    assert all(len(streams) == 1 for streams in streams_by_command.values())
    prefixes = {next(iter(s)).split("-", 1)[0] for s in streams_by_command.values()}
    assert {"challenge", "application", "selection", "outcome"} <= prefixes
