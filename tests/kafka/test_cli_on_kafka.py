"""The same CLI verbs against the Kafka runtime (after the demo has run on the broker)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from typer.testing import CliRunner

from accelerator.cli import app
from tests.conftest import DemoRun

pytestmark = pytest.mark.kafka

Cli = Callable[..., str]


@pytest.fixture
def cli(kafka_demo: DemoRun, monkeypatch: pytest.MonkeyPatch) -> Cli:
    assert kafka_demo.cluster is not None
    settings = kafka_demo.cluster.settings
    monkeypatch.setenv("ACCELERATOR_TOPIC_PREFIX", settings.topic_prefix)
    monkeypatch.setenv("ACCELERATOR_DATABASE_URL", settings.database_url)
    if settings.kafka_credentials:  # a secured broker: the cluster's principals' passwords
        monkeypatch.setenv("ACCELERATOR_KAFKA_CREDENTIALS", str(settings.kafka_credentials))
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, ["--runtime", "kafka", "--now", "2027-10-29T10:00:00+01:00", *args])
        assert result.exit_code == code, result.output + result.stderr
        return result.stdout if code == 0 else result.stderr

    return run


def test_startups_reads_the_postgresql_read_model(cli: Cli) -> None:
    table = cli("startups", "--city", "mechelen")
    assert "Heatgrid" in table and "10,000.00" in table and "started (mechelen)" in table
    assert "Parkly" not in table


def test_show_tells_a_startups_story_from_the_event_topics(cli: Cli) -> None:
    story = cli("show", "Parkly")
    assert "payment_disbursed" in story and "pilot_completed" in story
    assert "in accelerator" in cli("show", "Parkly", "--as-of", "2027-04-01")


def test_watch_follows_one_family_on_kafka(cli: Cli) -> None:
    lines = cli(
        "watch", "--family", "pilots", "--from-start", "--max-events", "3", "--seconds", "30"
    ).splitlines()
    assert len(lines) == 3
    assert all(line.split()[2].startswith("pilot_") for line in lines)


def test_a_refusal_comes_back_from_the_service_with_field_and_rule(cli: Cli) -> None:
    error = cli("milestone", "approve", "Parkly", "kick-off", code=1)
    assert "startup_id: st-0d881f90 is not in the accelerator (completed)" in error


def test_rebuild_compares_a_replay_of_the_topics_with_the_read_model(cli: Cli) -> None:
    assert "the read model matches the log" in cli("rebuild")
