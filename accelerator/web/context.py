"""What every request of the web app shares: the runtime, how it reads and sends, the tokens.

Built once by the app factory (`accelerator.web.app.create_app`) and kept on `app.state`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel
from starlette.requests import Request

from accelerator.runtime import Runtime
from accelerator.web.dispatch import Dispatcher, dispatcher_for
from accelerator.web.feeds import Feed, feed_for
from accelerator.web.reader import Reader
from accelerator.web.tokens import TokenStore


class WebSettings(BaseModel):
    max_body_bytes: int = 64 * 1024
    """A larger request body is refused with 413 (the largest command is a few kilobytes)."""
    secure_cookies: bool = False
    """Mark the session cookie Secure: on when the app is served over HTTPS (behind a proxy)."""
    session_hours: int = 8
    poll_seconds: float = 0.5
    """How often a live stream looks for new events in the log (embedded)."""
    ping_seconds: int = 15


@dataclass
class WebContext:
    runtime: Runtime
    tokens: TokenStore
    settings: WebSettings = field(default_factory=WebSettings)
    reader: Reader = field(init=False)
    dispatcher: Dispatcher = field(init=False)
    feed: Feed = field(init=False)

    def __post_init__(self) -> None:
        self.reader = Reader(self.runtime)
        self.dispatcher = dispatcher_for(self.runtime)
        self.feed = feed_for(self.runtime)


def context(request: Request) -> WebContext:
    web = request.app.state.web
    assert isinstance(web, WebContext)
    return web
