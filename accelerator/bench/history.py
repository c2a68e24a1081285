"""`accelerator bench generate`: a consortium's history of N events in a store file, cached.

48 cities each start a round about every six months (`rounds.py`, `journeys.py`); every
command goes through the real deciders against the in-memory recorder, and the log is
bulk-written into a fresh store file as it grows. Then the runtime's own consumers (the
projector, the cities' feeds) catch up with it on that file, exactly as after a restore; the
policies reacted during the run (their commands are in the log), so their positions are
the head. The file is cached by (events, seed, version of the code that writes it): a
second run reuses it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

from accelerator.bench.people import CITIES
from accelerator.bench.rounds import Round
from accelerator.bench.simulation import FIRST_DAY, Simulation
from accelerator.progress import Advance, events_bar, silent
from events.applications import ApplicationSubmitted
from events.base import Event
from events.programme import ChallengePublished
from services.kernel import Command

ROOT = Path(__file__).resolve().parents[2]
SOURCES = (
    "events",
    "services",
    *(
        f"accelerator/bench/{name}.py"
        for name in ("memory", "people", "simulation", "rounds", "journeys", "history")
    ),
)
"""The code that decides what the log holds: the domain and this generator. (The read model is
the projector's fold of it: a change there shows as differences in `rebuild`, not here.)"""
FLUSH = 20_000
NEXT_COMMANDS = 300
"""Commands the history would go on with: the benchmark of the command path gives them."""


@dataclass(frozen=True)
class History:
    path: Path
    events: int
    seed: int
    commands: int
    refusals: int
    startups: int
    challenges: int
    cities: int
    first_day: str
    last_day: str

    @classmethod
    def load(cls, path: Path) -> History:
        found = json.loads(path.with_suffix(".json").read_text())
        return cls(path=path, **found)

    def save(self) -> None:
        facts = {k: v for k, v in asdict(self).items() if k != "path"}
        self.path.with_suffix(".json").write_text(json.dumps(facts, indent=2) + "\n")


def code_version() -> str:
    """A digest of the code whose change changes the log, and the store's schema version."""
    digest = hashlib.sha256()
    from accelerator.embedded.files import SCHEMA_VERSION

    for name in SOURCES:
        for source in sorted((ROOT / name).rglob("*.py")) if (ROOT / name).is_dir() else [ROOT / name]:
            if "projector" not in source.parts:
                digest.update(source.relative_to(ROOT).as_posix().encode() + source.read_bytes())
    return f"{digest.hexdigest()[:10]}-v{SCHEMA_VERSION}"


def cached_path(folder: Path, events: int, seed: int) -> Path:
    return folder / f"history-{events}-seed{seed}-{code_version()}.db"


def generate(folder: Path, events: int, seed: int = 2027, show: bool | None = None) -> History:
    """The cached history of this size and seed, written first if need be."""
    path = cached_path(folder, events, seed)
    if path.exists() and path.with_suffix(".json").exists():
        return History.load(path)
    folder.mkdir(parents=True, exist_ok=True)
    draft = path.with_suffix(".part")
    for stale in (draft, Path(f"{draft}-wal"), Path(f"{draft}-shm")):
        stale.unlink(missing_ok=True)
    with events_bar(f"generating {events:,} events", events, show) as advance:
        history = _simulate(draft, events, seed, advance)
    with events_bar("projecting them", history.events * 2, show) as advance:
        _catch_up(draft, advance)
    draft.rename(path)
    history = History(**{**asdict(history), "path": path})
    history.save()
    return history


def _simulate(path: Path, target: int, seed: int, advance: Advance) -> History:
    import accelerator.embedded.store  # noqa: F401 - registers the log's table
    from accelerator.embedded.files import open_engine

    open_engine(path).dispose()  # this version's tables, marks and pragmas
    sim = Simulation(seed, target)
    for city, country in CITIES:
        first = sim.today + timedelta(days=sim.rng.randint(0, 180))
        sim.on(first, lambda c=city, k=country: _round(sim, c, k, 1))  # type: ignore[misc]
    with _Writer(path) as writer:
        while not sim.done:
            sim.run_day()
            if len(sim.store.pending) >= FLUSH or sim.done:
                advance(writer.write(sim))
    history = History(
        path=path,
        events=sim.store.head,
        seed=seed,
        commands=sim.commands,
        refusals=sim.refusals,
        startups=writer.startups,
        challenges=writer.challenges,
        cities=len(CITIES),
        first_day=str(FIRST_DAY),
        last_day=str(sim.today),
    )
    following = _going_on(sim, NEXT_COMMANDS)
    path.with_suffix(".commands.json").write_text(json.dumps(following, indent=1) + "\n")
    return history


def _going_on(sim: Simulation, count: int) -> list[dict[str, object]]:
    """The next commands of the history (not written to the file): type, fields, actor, id,
    moment — a real continuation, each valid (or refused) after the ones before it."""
    given: list[dict[str, object]] = []
    handle = sim.runner.handle

    def record(command: Command, actor: str, command_id: str) -> list[Event]:
        fields = command.model_dump(mode="json")
        moment = sim.clock.now().isoformat()
        given.append(
            {"type": type(command).__name__, "fields": fields, "actor": actor, "id": command_id, "at": moment}
        )
        return handle(command, actor, command_id)

    sim.runner.handle = record  # type: ignore[method-assign]
    sim.target = 2**62
    while len(given) < count:
        sim.run_day()
    return given[:count]


def _round(sim: Simulation, city: str, country: str, number: int) -> None:
    """A city's round starts today; its next one in about six months."""
    Round(sim, city, country, number, sim.today).plan()
    sim.on(
        sim.today + timedelta(days=sim.rng.randint(150, 210)), lambda: _round(sim, city, country, number + 1)
    )


CHALLENGE_PUBLISHED = ChallengePublished.event_type()
APPLICATION_SUBMITTED = ApplicationSubmitted.event_type()


class _Writer:
    """Appends the recorder's rows to `event_log` in large transactions (a cache file: a crash
    leaves a `.part` file that the next run starts again)."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute("PRAGMA synchronous=OFF")
        self.challenges = self.startups = 0

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, *_: object) -> None:
        self.connection.close()

    def write(self, sim: Simulation) -> int:
        rows = [row for row, _event in sim.store.take()]
        self.challenges += sum(row.type == CHALLENGE_PUBLISHED for row in rows)
        self.startups += sum(row.type == APPLICATION_SUBMITTED for row in rows)
        self.connection.execute("BEGIN")
        self.connection.executemany(
            "INSERT INTO event_log (position, id, stream, version, type, family, subject, time, causation, "
            "envelope) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [tuple(vars(row).values()) for row in rows],
        )
        self.connection.execute("COMMIT")
        return len(rows)


def _catch_up(path: Path, advance: Advance = silent) -> None:
    """The projector and the feeds catch up on the file through the runtime's own loop."""
    from accelerator.embedded.files import open_engine
    from accelerator.embedded.runtime import EmbeddedRuntime
    from services.consumers import Policy
    from services.kernel import SystemClock

    runtime = EmbeddedRuntime(open_engine(path), SystemClock())
    loop, head = runtime.consumers, runtime.store.head()
    with runtime.engine.begin() as connection:
        for consumer in loop.registry:
            if isinstance(consumer.handler, Policy):  # their reactions are in the log already
                connection.exec_driver_sql("INSERT INTO tracking VALUES (?, ?)", (consumer.name, head))
    for consumer in loop.registry:
        before = loop.position(consumer.name)
        while loop.step(consumer):
            now = loop.position(consumer.name)
            advance(now - before)
            before = now
    runtime.close()
