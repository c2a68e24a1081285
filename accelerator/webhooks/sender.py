"""One delivery: the CloudEvent in structured mode (CloudEvents HTTP binding), signed, POSTed
to the address the guard checked, within a time budget, never following a redirect.

The result says what happened in words an operator can read; it holds no secret, no payload
and no URL path or query (they may carry a city's own tokens): only the host.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from accelerator.webhooks import guard, signing
from services.kernel import Rejected

GONE = 410


@dataclass(frozen=True)
class Result:
    ok: bool
    status: int | None = None
    error: str | None = None

    @property
    def gone(self) -> bool:
        """The receiver says the subscription is over (410 Gone): it ends."""
        return self.status == GONE


class Sender:
    def __init__(
        self,
        timeout: float,
        allow_loopback: bool,
        resolve: guard.Resolver = guard.system_resolver,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.allow_loopback, self.resolve = allow_loopback, resolve
        self.client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            trust_env=False,  # no proxy from the environment: the checked address is where it goes
            # No connection kept for reuse: a pool is keyed by address, and a TLS connection made
            # (and its certificate checked) for one host name must not carry another's request.
            limits=httpx.Limits(max_keepalive_connections=0),
            transport=transport,
            headers={"user-agent": "accelerator-webhooks/1"},
        )

    def send(self, url: str, secrets: Sequence[str], message_id: str, body: bytes) -> Result:
        try:
            target = guard.target(url, self.allow_loopback, self.resolve)
        except Rejected as refusal:
            return Result(False, error=f"refused: {refusal.rule}")
        headers = signing.headers(secrets, message_id, int(time.time()), body)
        headers["host"] = target.host_header
        extensions = {"sni_hostname": target.url.host} if target.url.scheme == "https" else {}
        try:
            response = self.client.post(
                target.request_url(), content=body, headers=headers, extensions=extensions
            )
        except httpx.TimeoutException:
            return Result(False, error=f"no answer from {target.url.host} in time")
        except httpx.HTTPError as error:
            return Result(False, error=f"{target.url.host}: {type(error).__name__}")
        if response.is_redirect:
            return Result(False, response.status_code, f"{target.url.host} redirects: not followed")
        if response.is_success:
            return Result(True, response.status_code)
        return Result(False, response.status_code, f"{target.url.host} answered {response.status_code}")

    def close(self) -> None:
        self.client.close()
