"""The webhook verbs as an operator types them, and the dispatcher killed mid-stream."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accelerator.cli import app
from accelerator.webhooks import secrets
from tests.cluster import ROOT
from tests.conftest import DemoRun
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_deliveries import City, in_order_per_subject, until


@pytest.fixture
def city(embedded_demo: DemoRun, tmp_path: Path) -> City:
    return City(embedded_demo, tmp_path)


def env(city: City, loopback: bool = True) -> dict[str, str]:
    return {
        **os.environ,
        "ACCELERATOR_STORE": str(city.settings.store),
        "ACCELERATOR_WEBHOOK_KEY_FILE": str(city.settings.webhook_key_file),
        "ACCELERATOR_WEBHOOK_ALLOW_LOOPBACK": str(loopback).lower(),
        "ACCELERATOR_WEBHOOK_BACKOFF_SECONDS": "0.05",
        "ACCELERATOR_WEBHOOK_BACKOFF_MAX_SECONDS": "0.3",
    }


def cli(city: City, *args: str, code: int = 0, loopback: bool = True) -> str:
    result = CliRunner().invoke(app, list(args), env=env(city, loopback))
    assert result.exit_code == code, result.output + result.stderr
    return result.stdout if code == 0 else result.stderr


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://erp.brugge.example/hooks", "url: must be https (got http://erp.brugge.example)"),
        ("https://localhost/hooks", "url: localhost resolves to a private, loopback or reserved address"),
        ("https://10.0.0.8/hooks", "url: 10.0.0.8 resolves to a private, loopback or reserved address"),
        ("https://user:pw@erp.brugge.example/", "url: must not carry a user name or password"),
    ],
)
def test_a_url_that_could_reach_inside_is_refused_at_registration_and_nothing_is_recorded(
    city: City, url: str, why: str
) -> None:
    before = len(city.runtime.history())
    error = cli(city, "cities", "subscribe", "brugge", "--url", url, code=1, loopback=False)
    assert error.strip().startswith(f"error: {why}")
    assert len(city.runtime.history()) == before


def test_subscribe_prints_the_secret_once_and_the_log_keeps_it_sealed(city: City) -> None:
    receiver = Receiver([]).start()
    out = cli(city, "cities", "subscribe", "brugge", "--url", receiver.url, "--type", "milestones")
    secret = re.search(r"(whsec_\S+)", out)
    assert secret is not None and "sub-" in out
    stored = " ".join(ce.model_dump_json() for ce in city.runtime.history())
    assert secret.group(1) not in stored and secret.group(1).removeprefix("whsec_") not in stored
    table = cli(city, "cities", "deliveries", "brugge")
    assert "active" in table and "127.0.0.1" in table and "milestones" in table
    assert "/hooks/accelerator" not in table, "only the host: a path or query may carry the city's tokens"


def test_the_dispatcher_killed_mid_stream_loses_nothing_and_repeats_only_with_the_same_webhook_id(
    city: City,
) -> None:
    secret = secrets.generate()
    receiver = Receiver([secret], delay=0.02).start()
    receiver.secrets[:] = [secret]
    city.subscribe(receiver)
    feed = city.feed()

    def dispatcher() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "accelerator.cli", "cities", "deliver"],
            env=env(city),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    first = dispatcher()
    try:
        until(lambda: len(receiver.accepted) >= 30)
        first.send_signal(signal.SIGKILL)  # no goodbye: whatever it was sending is in doubt
        first.wait(10)
        time.sleep(0.5)
        second = dispatcher()
        until(lambda: {e["id"] for e in receiver.events()} >= {ce.id for ce in feed})
        second.send_signal(signal.SIGINT)  # Ctrl-C: it finishes the delivery in hand and stops
        assert second.wait(30) == 0
    finally:
        for process in (first,):
            if process.poll() is None:
                process.kill()
    delivered = receiver.events()
    assert {e["id"] for e in delivered} == {ce.id for ce in feed}
    repeated = [i for i, n in Counter(d.webhook_id for d in receiver.accepted).items() if n > 1]
    assert len(repeated) <= 2, "at most the delivery in hand was repeated"
    in_order_per_subject(delivered, feed)
