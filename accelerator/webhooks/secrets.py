"""Webhook signing secrets: shown once to the city, kept only sealed.

A secret is `whsec_` + base64 of 32 random bytes (Standard Webhooks). The log keeps it sealed
with the deployment's webhook key (Fernet: AES-128-CBC + HMAC-SHA256), so the event topics,
backups and every reader of them see ciphertext; only the processes given the key (the CLI
that registers, the deliveries worker that signs) can open it.
"""

from __future__ import annotations

import base64
import os
import secrets as random
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from accelerator.runtime import Unavailable
from accelerator.settings import Settings

PREFIX = "whsec_"
SEALED = "sealed:"


def generate() -> str:
    return PREFIX + base64.b64encode(random.token_bytes(32)).decode()


def key(settings: Settings, create: bool = False) -> Fernet:
    """The webhook key: the setting, else the key file (created, mode 600, when `create`)."""
    if settings.webhook_key is not None:
        return Fernet(settings.webhook_key.get_secret_value().encode())
    path = settings.webhook_key_file
    if not path.exists():
        if not create:
            raise Unavailable(
                f"webhooks: no webhook key ({path} does not exist; set ACCELERATOR_WEBHOOK_KEY "
                "to the key the subscriptions were sealed with)"
            )
        _write_private(path, Fernet.generate_key())
    return Fernet(path.read_bytes().strip())


def _write_private(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)


def seal(secret: str, fernet: Fernet) -> str:
    return SEALED + fernet.encrypt(secret.encode()).decode()


def unseal(sealed: str, fernet: Fernet) -> str:
    try:
        return fernet.decrypt(sealed.removeprefix(SEALED).encode()).decode()
    except InvalidToken as error:
        raise Unavailable("webhooks: a secret was sealed with another webhook key") from error


def raw(secret: str) -> bytes:
    """The HMAC key a `whsec_` secret stands for."""
    return base64.b64decode(secret.removeprefix(PREFIX))
