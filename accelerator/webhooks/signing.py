"""The Standard Webhooks signature (standardwebhooks.com) of one delivery.

`webhook-id` is the event's id (the same on every retry and replay, so a city deduplicates on
it), `webhook-timestamp` the attempt's time in Unix seconds, `webhook-signature` a space
separated list of `v1,<base64 HMAC-SHA256(secret, "id.timestamp.body")>`: one per valid
secret, so during a rotation a receiver holding either secret accepts the delivery.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence

from accelerator.webhooks.secrets import raw

CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(raw(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secrets: Sequence[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "content-type": CONTENT_TYPE,
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(s, message_id, timestamp, body) for s in secrets),
    }
