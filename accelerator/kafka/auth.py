"""Who this process is on the broker: the SASL options of kafka-python and aiokafka.

Each process connects as its own principal (`Settings.kafka_role`): a worker as itself
(`intake`, `projector`, ...), the CLI and the web app as `client`, provisioning as `admin`.
Its username is `Names.principal(role)` (the admin's is `admin`). The password comes from
ACCELERATOR_KAFKA_USERNAME/PASSWORD when they are set (production: each process is given only
its own), else from the credentials file (the local deployment: deploy/kafka.sh writes the
admin's, `accelerator topics create` adds each worker's; readable by its owner only).
"""

from __future__ import annotations

import json
import logging
import os
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from accelerator.kafka.topics import Names
from accelerator.runtime import Unavailable
from accelerator.settings import Settings

ROOT = Path(__file__).resolve().parent.parent.parent
ADMIN = "admin"
SASL = ("SASL_PLAINTEXT", "SASL_SSL")


class CredentialsFile(BaseModel):
    """deploy/.run/kafka/credentials.json: where the broker is, how to log in, and passwords."""

    bootstrap_servers: str | None = None
    security_protocol: str = "SASL_PLAINTEXT"
    sasl_mechanism: str = "SCRAM-SHA-512"
    principals: dict[str, str] = {}

    @classmethod
    def read(cls, path: Path) -> CredentialsFile:
        try:
            return cls.model_validate_json(path.read_bytes())
        except (OSError, ValueError) as error:
            raise Unavailable(f"kafka: cannot read the credentials file {path}: {error}") from error

    def write(self, path: Path) -> None:
        """Replace the file, readable and writable by its owner only (never briefly by others)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            json.dump(self.model_dump(), file, indent=2)
        os.chmod(partial, 0o600)
        os.replace(partial, path)


def local_broker(settings: Settings) -> Path | None:
    """deploy/kafka.sh's folder (data, log, credentials) of a broker on this machine's loopback."""
    host, _, port = settings.kafka_bootstrap_servers.split(",")[0].rpartition(":")
    if host not in ("127.0.0.1", "localhost"):
        return None
    return ROOT / "deploy" / ".run" / ("kafka" if port == "9092" else f"kafka-{port}")


def credentials_path(settings: Settings) -> Path | None:
    """The configured file, or deploy/kafka.sh's own for a broker on this machine's loopback."""
    if settings.kafka_credentials is not None:
        return settings.kafka_credentials
    run = local_broker(settings)
    found = run / "credentials.json" if run else None
    return found if found and found.exists() else None


def username(settings: Settings, role: str) -> str:
    return ADMIN if role == ADMIN else Names(settings.topic_prefix).principal(role)


@dataclass(frozen=True)
class Identity:
    protocol: str
    mechanism: str = "SCRAM-SHA-512"
    username: str | None = None
    password: str | None = None
    cafile: Path | None = None

    @property
    def sasl(self) -> bool:
        return self.protocol in SASL

    def kafka_python(self) -> dict[str, Any]:
        options: dict[str, Any] = {"security_protocol": self.protocol}
        if self.sasl:
            options |= {
                "sasl_mechanism": self.mechanism,
                "sasl_plain_username": self.username,
                "sasl_plain_password": self.password,
            }
        if self.cafile is not None:
            options["ssl_cafile"] = str(self.cafile)
        return options

    def aiokafka(self) -> dict[str, Any]:
        """The same for aiokafka, which takes an SSL context instead of a CA file."""
        options = {k: v for k, v in self.kafka_python().items() if k != "ssl_cafile"}
        if (context := self.ssl_context()) is not None:
            options["ssl_context"] = context
        return options

    def ssl_context(self) -> ssl.SSLContext | None:
        if self.protocol not in ("SSL", "SASL_SSL"):
            return None
        return ssl.create_default_context(cafile=str(self.cafile) if self.cafile else None)


def identity(settings: Settings, role: str | None = None) -> Identity:
    """This process's identity on the broker (as `role`, by default its configured one)."""
    role = role or settings.kafka_role
    path = credentials_path(settings)
    stored = CredentialsFile.read(path) if path is not None else None
    protocol = settings.kafka_security_protocol or (stored.security_protocol if stored else "PLAINTEXT")
    mechanism = settings.kafka_sasl_mechanism
    if protocol not in SASL:
        return Identity(protocol, cafile=settings.kafka_ssl_cafile)
    if (settings.kafka_username and role != ADMIN) or settings.kafka_username == ADMIN:
        password = settings.kafka_password.get_secret_value() if settings.kafka_password else None
        return Identity(protocol, mechanism, settings.kafka_username, password, settings.kafka_ssl_cafile)
    user = username(settings, role)
    password = stored.principals.get(user) if stored else None
    if password is None:
        where = f"in {path}" if path else "(no credentials file: ACCELERATOR_KAFKA_CREDENTIALS)"
        raise Unavailable(
            f"kafka: no password for principal {user} {where}; run accelerator topics create "
            "(it provisions every worker's principal), or set ACCELERATOR_KAFKA_USERNAME/PASSWORD"
        )
    return Identity(protocol, mechanism, user, password, settings.kafka_ssl_cafile)


class AuthFailures(logging.Handler):
    """Notices the broker refusing our credentials: kafka-python only says it could not
    bootstrap, which would send the operator looking for a broker that is there."""

    LOGGER = "kafka.net.manager"

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.refused = False

    def emit(self, record: logging.LogRecord) -> None:
        if "SaslAuthenticationFailed" in record.getMessage():
            self.refused = True
        parent = logging.getLogger("kafka")  # pass everything on, as if this handler were not here
        if record.levelno >= parent.getEffectiveLevel():
            parent.handle(record)

    @classmethod
    def installed(cls) -> AuthFailures:
        logger = logging.getLogger(cls.LOGGER)
        for handler in logger.handlers:
            if isinstance(handler, cls):
                return handler
        handler = cls()
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
        logger.propagate = False
        return handler


def operator(settings: Settings) -> Settings:
    """Whoever looks at every group's lag reads every topic: the broker's admin where this
    deployment's credentials file has it (deploy/kafka.sh), else the configured principal."""
    from accelerator.runtime import Unavailable

    try:
        identity(settings, ADMIN)
    except Unavailable:
        return settings
    return settings.model_copy(update={"kafka_role": ADMIN})
