"""Sending commands from the web app, and keeping their outcomes for whoever sent them.

Embedded (`Inline`): the command runs to completion in the request (its reactions too), one
at a time in this process; the answer is its outcome. Kafka (`Queued`): the command is sent
to its service's topic in the request, and the answer is 202 with a link to its outcome;
one thread of this process reads the replies (`KafkaRuntime.wait`) and files each outcome
here. Outcomes are kept in memory, the most recent `KEEP`; after a restart of the web app
the same request with the same Idempotency-Key sends the same command id again, which its
service recognises and answers with its first outcome — nothing is done twice.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol, TypeVar

from accelerator.runtime import Outcome, Runtime, Unavailable
from services.kernel import Command, Rejected

if TYPE_CHECKING:
    from accelerator.kafka.client import KafkaRuntime

KEEP = 10_000
T = TypeVar("T")


@dataclass(frozen=True)
class Filed:
    """A command's outcome as this process knows it: pending, done, refused or failed."""

    command_id: str
    actor: str
    outcome: Outcome | None = None
    refusal: Rejected | None = None
    failure: str | None = None
    """Why no outcome came (no reply in time): the command may still be done later."""
    command_type: str = ""

    @property
    def pending(self) -> bool:
        return self.outcome is None and self.refusal is None and self.failure is None


class Outcomes:
    """The most recent outcomes by command id (thread-safe)."""

    def __init__(self, keep: int = KEEP) -> None:
        self.keep = keep
        self._filed: OrderedDict[str, Filed] = OrderedDict()
        self._lock = threading.Lock()

    def file(self, filed: Filed) -> Filed:
        with self._lock:
            self._filed[filed.command_id] = filed
            self._filed.move_to_end(filed.command_id)
            while len(self._filed) > self.keep:
                self._filed.popitem(last=False)
        return filed

    def get(self, command_id: str) -> Filed | None:
        with self._lock:
            return self._filed.get(command_id)


class Dispatcher(Protocol):
    outcomes: Outcomes
    asynchronous: bool

    def submit(self, command: Command, actor: str, command_id: str) -> Filed:
        """Run or send the command; a refusal decided at once raises `Rejected`."""
        ...

    def exclusive(self, action: Callable[[], T]) -> T:
        """Run an action that gives commands itself (the scheduler's tick) where commands run."""
        ...

    def close(self) -> None: ...


class Inline:
    """The embedded runtime: run to completion now, one command at a time in this process
    (other processes sharing the file are serialised by SQLite's write lock)."""

    asynchronous = False

    def __init__(self, runtime: Runtime, outcomes: Outcomes | None = None) -> None:
        self.runtime, self.outcomes = runtime, outcomes or Outcomes()
        self._lock = threading.Lock()

    def submit(self, command: Command, actor: str, command_id: str) -> Filed:
        with self._lock:
            outcome = self.runtime.handle(command, actor=actor, command_id=command_id)
        return self.outcomes.file(Filed(command_id, actor, outcome, command_type=type(command).__name__))

    def exclusive(self, action: Callable[[], T]) -> T:
        with self._lock:
            return action()

    def close(self) -> None:
        pass


class Queued:
    """The Kafka runtime: send now, wait for the reply in one background thread."""

    asynchronous = True

    def __init__(self, runtime: KafkaRuntime, outcomes: Outcomes | None = None) -> None:
        self.runtime, self.outcomes = runtime, outcomes or Outcomes()
        self._send_lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    @property
    def _replies(self) -> ThreadPoolExecutor:
        """The one thread that reads replies; a new one after `close` (the app served again)."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="web-replies")
        return self._pool

    def submit(self, command: Command, actor: str, command_id: str) -> Filed:
        known = self.outcomes.get(command_id)
        if known is not None and known.failure is None:  # the same request again: filed here
            return replace(known, outcome=replace(known.outcome, repeated=True)) if known.outcome else known
        with self._send_lock:
            self.runtime.send(command, actor=actor, command_id=command_id)
        filed = self.outcomes.file(Filed(command_id, actor, command_type=type(command).__name__))
        self._replies.submit(self._await, filed)
        return filed

    def _await(self, pending: Filed) -> None:
        command_id = pending.command_id
        try:
            first, *rest = self.runtime.wait([command_id])
        except Unavailable as error:
            self.outcomes.file(replace(pending, failure=str(error)))
            return
        if not first.ok:
            field = first.field or "command"
            refusal = Rejected(field, (first.error or "").removeprefix(f"{field}: "))
            self.outcomes.file(replace(pending, refusal=refusal))
            return
        reactions = tuple(ce for reply in rest for ce in reply.events)
        outcome = Outcome(command_id, tuple(first.events), reactions, repeated=first.repeated)
        self.outcomes.file(replace(pending, outcome=outcome))

    def exclusive(self, action: Callable[[], T]) -> T:
        """On the replies thread: the runtime's reply consumer is used by one thread only."""
        return self._replies.submit(action).result()

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def dispatcher_for(runtime: Runtime) -> Dispatcher:
    from accelerator.embedded.runtime import EmbeddedRuntime

    if isinstance(runtime, EmbeddedRuntime):
        return Inline(runtime)
    return Queued(runtime)  # type: ignore[arg-type]
