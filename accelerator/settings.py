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

    # The Kafka runtime
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    topic_prefix: str = ""
    """Put in front of every topic and consumer group name (isolates test runs on one broker)."""
    partitions: int = 3
    replication_factor: int = 1
    database_url: str = "postgresql+psycopg2://accelerator:accelerator@127.0.0.1:5432/accelerator"
    """The PostgreSQL read model of the Kafka runtime."""
    cities: tuple[str, ...] = ("brugge", "mechelen")
    """Partner cities whose topics `accelerator topics create` provisions up front."""
    reply_timeout_seconds: float = 60
    session_timeout_ms: int = 10000
    transaction_timeout_ms: int = 10000
