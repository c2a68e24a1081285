from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import pytest

from accelerator.bootstrap import bootstrap, embedded
from accelerator.demo import START, Programme, run_demo
from accelerator.embedded.runtime import EmbeddedRuntime
from accelerator.runtime import Runtime
from accelerator.settings import Settings
from services.kernel import PROGRAMME_TZ, VirtualClock
from tests.cluster import Cluster, broker_log
from tests.fakes import at


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed Kafka test's report ends with the broker's own view (its log's starts, errors
    and refused logins)."""
    report: pytest.TestReport = yield
    if report.failed and item.get_closest_marker("kafka") and (log := broker_log()):
        report.sections.append(("the broker's log (deploy/.run/kafka*/kafka.log)", log))
    return report


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(at(date(2027, 1, 4)))


@pytest.fixture
def runtime(tmp_path: Path, clock: VirtualClock) -> EmbeddedRuntime:
    return embedded(Settings(store=tmp_path / "accelerator.db"), clock)


@dataclass
class DemoRun:
    runtime: Runtime
    programme: Programme
    cluster: Cluster | None = None


def run_the_demo(
    runtime: Runtime, clock: VirtualClock, folder: Path, cluster: Cluster | None = None
) -> DemoRun:
    return DemoRun(runtime, run_demo(runtime, clock, say=lambda _line: None, folder=folder), cluster)


def demo_clock() -> VirtualClock:
    return VirtualClock(datetime.combine(START, time(9), PROGRAMME_TZ))


@pytest.fixture(scope="session")
def embedded_demo(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    clock = demo_clock()
    folder = tmp_path_factory.mktemp("demo")
    return run_the_demo(bootstrap(Settings(store=folder / "demo.db"), clock), clock, folder / "finance")


@pytest.fixture(scope="session")
def kafka_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoRun]:
    """The demo on a real broker: every worker its own process, PostgreSQL read model."""
    with Cluster(tmp_path_factory.mktemp("kafka-demo-logs")).start() as cluster:
        clock = demo_clock()
        yield run_the_demo(cluster.runtime(clock), clock, tmp_path_factory.mktemp("kafka-demo"), cluster)
