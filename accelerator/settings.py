"""Settings from the environment (ACCELERATOR_*), with local defaults; arguments override."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Literal

from pydantic import AwareDatetime, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from events.base import Actor, Slug


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return "local"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ACCELERATOR_", env_file=".env", extra="ignore")

    runtime: Literal["embedded", "kafka"] = "embedded"
    store: Path = Path(".accelerator") / "accelerator.db"
    now: AwareDatetime | None = None
    """Freeze the clock at this moment (scripts, tests, back-dated data entry)."""
    actor: Actor = Field(default_factory=_os_user)
    """Who gives the commands (`--as`): recorded on every event they cause."""
    scheduler_interval_seconds: int = 60
    public_url: str = "http://127.0.0.1:8000"
    """Where the public challenge pages are served: the DCAT-AP description links to them."""

    # Finance: the programme's SEPA exports
    programme: Slug = "accelerator"
    """The programme whose exports stream numbers the pain.001 files (their MsgId)."""
    debtor_name: str = ""
    debtor_iban: str = ""
    debtor_bic: str = ""
    """The programme's own account, that pays the grants (the city's or the lead partner's)."""
    pain001_version: Literal["pain.001.001.09", "pain.001.001.03"] = "pain.001.001.09"
    """pain.001.001.09 (ISO 20022 2019, the SEPA rulebook's since 2023); .03 for banks still on 2009."""
    finance_outbox: Path = Path(".accelerator") / "exports"
    """Where the Kafka runtime's exporter worker writes each pain.001 file, for the bank upload."""

    # The Kafka runtime
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_security_protocol: Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL"] | None = None
    """None: the credentials file's (deploy/kafka.sh: SASL_PLAINTEXT), or PLAINTEXT without one."""
    kafka_sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256"] = "SCRAM-SHA-512"
    kafka_username: str | None = None
    kafka_password: SecretStr | None = None
    """This process's own principal (production: each worker gets only its own); when unset,
    the principal of `kafka_role` from the credentials file."""
    kafka_credentials: Path | None = None
    """The credentials file (JSON, mode 600): deploy/kafka.sh writes the admin's, `accelerator
    topics create` adds each worker's. Default: deploy/.run/kafka[-PORT]/credentials.json of
    this checkout, for the broker on 127.0.0.1:PORT."""
    kafka_role: str = "client"
    """Who this process is on the broker: `client` (CLI, web), a worker's name, or `admin`."""
    kafka_ssl_cafile: Path | None = None
    """The CA that signed the broker's certificate (SASL_SSL)."""
    topic_prefix: str = ""
    """Put in front of every topic and consumer group name (isolates test runs on one broker)."""
    partitions: int = 3
    replication_factor: int = 1
    database_url: str = "postgresql+psycopg2://accelerator:accelerator@127.0.0.1:5432/accelerator"
    """The PostgreSQL read model of the Kafka runtime."""
    cities: tuple[str, ...] = ("brugge", "mechelen")
    """Partner cities whose topics `accelerator topics create` provisions up front."""
    reply_timeout_seconds: float = 60
    kafka_wait_seconds: float = Field(30, gt=0)
    """How long a client waits for the broker, a topic or PostgreSQL before it gives up."""
    liveness_seconds: float = 60
    """A worker with lag that made no progress for this long exits, so its supervisor restarts it."""
    session_timeout_ms: int = 10000
    fetch_max_wait_ms: int = 500
    """How long the broker holds a fetch open while no data arrives. The fetch returns as soon
    as there is some, so this is not a hop's latency; it is how often an idle client wakes up
    (14 idle workers at 100 ms cost a third of a 2-core machine)."""
    transaction_timeout_ms: int = 10000

    # Partner cities' webhooks (both runtimes)
    webhook_key: SecretStr | None = None
    """The key that seals webhook secrets in the log (Fernet). Default: generated once into
    `webhook_key_file`."""
    webhook_key_file: Path = Path(".accelerator") / "webhook.key"
    webhook_allow_loopback: bool = False
    """Accept http:// endpoints on 127.0.0.1/localhost (tests, a local receiver); never in production."""
    webhook_retry_hours: float = 24
    """How long a delivery is retried (exponential backoff with jitter) before it is parked."""
    webhook_backoff_seconds: float = 5
    """The first retry's delay; each next one doubles (with jitter), up to `webhook_backoff_max_seconds`."""
    webhook_backoff_max_seconds: float = 3600
    webhook_timeout_seconds: float = 10
    """One delivery's whole time budget (connect, send, answer): a slow endpoint is a failed attempt."""
    webhook_rotation_hours: float = 24
    """After a secret is rotated, deliveries are signed with both secrets for this long."""
