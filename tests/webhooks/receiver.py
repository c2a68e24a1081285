"""A city's webhook receiver on 127.0.0.1, verifying every delivery with an independent
implementation of Standard Webhooks (the `standardwebhooks` package), as a city's IT would.

It can fail the first N deliveries (503), answer 410 or redirect, be slow (until released),
and go down and come back on the same port. It keeps every delivery it accepted, in arrival
order.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook


@dataclass
class Delivery:
    webhook_id: str
    content_type: str
    event: dict[str, Any]


@dataclass
class Receiver:
    secrets: list[str]
    fail_first: int = 0
    answer: int = 204
    delay: float = 0.0
    accepted: list[Delivery] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    seen: int = 0

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        self.released = threading.Event()
        self.server: ThreadingHTTPServer | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/accelerator"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                code = receiver.take(dict(self.headers.items()), body)
                self.send_response(code)
                if code in (301, 302, 307, 308):
                    self.send_header("location", "http://127.0.0.1:9/elsewhere")
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def take(self, headers: dict[str, str], body: bytes) -> int:
        if self.delay:
            self.released.wait(self.delay)
        with self.lock:
            self.seen += 1
            if self.seen <= self.fail_first:
                return 503
            if self.answer >= 300:
                return self.answer
            try:
                event = verified(self.secrets, headers, body)
            except Exception as error:
                self.refused.append(str(error))
                return 401
            lowered = {k.lower(): v for k, v in headers.items()}
            self.accepted.append(Delivery(lowered["webhook-id"], lowered["content-type"], event))
            return self.answer

    def release(self) -> None:
        """A slow receiver answers what it holds, and from now on at once."""
        self.released.set()

    def down(self) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()

    def up(self) -> None:
        self.start()

    def events(self) -> list[dict[str, Any]]:
        with self.lock:
            return [d.event for d in self.accepted]


def verified(secrets: list[str], headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """Accepted if any of the receiver's secrets verifies it (a city mid-rotation holds both)."""
    last: Exception | None = None
    for secret in secrets:
        try:
            Webhook(secret).verify(body, headers)
            return json.loads(body)
        except Exception as error:
            last = error
    raise AssertionError(f"no secret verifies it: {last}")
