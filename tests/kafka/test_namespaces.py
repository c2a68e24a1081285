"""A benchmark's namespace of its own leaves the shared broker when it is done: its topics and
its principals' ACLs (what the broker pays for on every request), and nothing of any other
namespace."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from accelerator.kafka.admin import admin, drop_database, topics
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


def provisioned(*clusters: Cluster, seconds: float = 30) -> tuple[int, int]:
    """What each of these namespaces holds once the broker lists all of it: its metadata
    follows its controller's, so a topic just created may not be listed yet (a CI run counted
    16 of a namespace's 18)."""
    wanted = len(topics(clusters[0].settings))
    deadline = time.monotonic() + seconds
    while True:
        seen = {left(cluster.settings) for cluster in clusters}
        if len(seen) == 1 and next(iter(seen))[0] == wanted:
            return seen.pop()
        assert time.monotonic() < deadline, f"the broker never listed every namespace whole: {seen}"
        time.sleep(0.2)


def test_removing_a_namespace_takes_its_topics_and_acls_and_only_those(tmp_path: Path) -> None:
    with Cluster(tmp_path / "gone") as gone, Cluster(tmp_path / "kept") as kept:
        before = provisioned(gone, kept)
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


def databases() -> set[str]:
    engine = create_engine(Settings().database_url)
    try:
        with engine.connect() as connection:
            return set(connection.execute(text("SELECT datname FROM pg_database")).scalars())
    finally:
        engine.dispose()


def test_a_stopped_cluster_takes_its_read_model_database_with_it(tmp_path: Path) -> None:
    cluster = Cluster(tmp_path, provision=False)
    name = make_url(cluster.settings.database_url).database
    assert name in databases()
    left_open = create_engine(cluster.settings.database_url)  # as a worker killed mid-transaction
    connection = left_open.connect()
    connection.execute(text("SELECT 1"))
    cluster.stop()
    assert name not in databases()
    assert make_url(Settings().database_url).database in databases()
    left_open.dispose()


def test_the_configured_read_model_is_never_dropped() -> None:
    with pytest.raises(ValueError, match="is the configured read model"):
        drop_database(Settings(), Settings().database_url)
