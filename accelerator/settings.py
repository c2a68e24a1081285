"""Settings from the environment (ACCELERATOR_*), with local defaults; arguments override."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AwareDatetime
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ACCELERATOR_", env_file=".env", extra="ignore")

    runtime: Literal["embedded", "kafka"] = "embedded"
    store: Path = Path(".accelerator") / "accelerator.db"
    now: AwareDatetime | None = None
    """Freeze the clock at this moment (scripts, tests, back-dated data entry)."""
    scheduler_interval_seconds: int = 60
