"""Signatures a city verifies with an independent Standard Webhooks implementation."""

from __future__ import annotations

import time

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from accelerator.settings import Settings
from accelerator.webhooks import secrets, signing

BODY = b'{"specversion":"1.0","id":"e-1","type":"accelerator.milestones.milestone_approved.v1"}'


def test_a_delivery_verifies_with_the_standardwebhooks_package() -> None:
    secret = secrets.generate()
    headers = signing.headers([secret], "e-1", int(time.time()), BODY)
    assert Webhook(secret).verify(BODY, headers)["id"] == "e-1"
    assert headers["content-type"] == "application/cloudevents+json; charset=utf-8"


def test_during_a_rotation_either_secret_verifies_it() -> None:
    old, new = secrets.generate(), secrets.generate()
    headers = signing.headers([new, old], "e-1", int(time.time()), BODY)
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert Webhook(old).verify(BODY, headers) and Webhook(new).verify(BODY, headers)


def test_another_secret_or_a_changed_body_does_not_verify() -> None:
    headers = signing.headers([secrets.generate()], "e-1", int(time.time()), BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(secrets.generate()).verify(BODY, headers)


def test_a_secret_is_32_random_bytes_and_the_log_keeps_it_only_sealed(tmp_path: object) -> None:
    settings = Settings(webhook_key_file=tmp_path / "webhook.key")  # type: ignore[operator]
    secret = secrets.generate()
    key = secrets.key(settings, create=True)
    sealed = secrets.seal(secret, key)
    assert len(secrets.raw(secret)) == 32 and secret.startswith("whsec_")
    assert secret.removeprefix("whsec_") not in sealed and sealed.startswith("sealed:")
    assert secrets.unseal(sealed, secrets.key(settings)) == secret
    assert (settings.webhook_key_file.stat().st_mode & 0o777) == 0o600
