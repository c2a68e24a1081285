"""A benchmark's namespace of its own leaves the shared broker when it is done: its topics and
its principals' ACLs (what the broker pays for on every request), and nothing of any other
namespace."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from accelerator.kafka.admin import admin
from accelerator.kafka.auth import ADMIN
from accelerator.kafka.principals import acls, principals, remove_namespace, secured
from accelerator.settings import Settings
from tests.cluster import Cluster

pytestmark = pytest.mark.kafka


def left(settings: Settings) -> tuple[int, int]:
    """(topics, ACLs) of this namespace on the broker."""
    prefix, client = settings.topic_prefix, admin(settings, ADMIN)
    try:
        topics = [t for t in client.list_topics() if t.startswith(prefix)]
        users = [u for u in principals(client) if u.startswith(prefix)] if secured(settings) else []
        return len(topics), sum(len(acls(client, u)) for u in users)
    finally:
        client.close()


def gone_within(settings: Settings, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while left(settings) != (0, 0):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_removing_a_namespace_takes_its_topics_and_acls_and_only_those(tmp_path: Path) -> None:
    gone, kept = Cluster(tmp_path / "gone"), Cluster(tmp_path / "kept")
    before = left(kept.settings)
    assert left(gone.settings)[0] > 0
    if secured(gone.settings):
        assert left(gone.settings)[1] > 0
    acls_removed, topics_removed = remove_namespace(gone.settings)
    assert (topics_removed, acls_removed) == before  # the same topics and grants in every namespace
    assert gone_within(gone.settings, seconds=30)  # the broker's metadata follows its controller's
    assert left(kept.settings) == before
    remove_namespace(kept.settings)


def test_the_default_namespace_is_never_removed() -> None:
    with pytest.raises(ValueError, match="topic_prefix: only a namespace of its own"):
        remove_namespace(Settings(runtime="kafka", topic_prefix=""))
