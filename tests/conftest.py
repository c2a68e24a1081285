from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from accelerator.bootstrap import bootstrap
from accelerator.embedded.runtime import EmbeddedRuntime
from accelerator.settings import Settings
from services.kernel import VirtualClock
from tests.fakes import at


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(at(date(2027, 1, 4)))


@pytest.fixture
def runtime(tmp_path: Path, clock: VirtualClock) -> EmbeddedRuntime:
    return bootstrap(Settings(store=tmp_path / "accelerator.db"), clock)
