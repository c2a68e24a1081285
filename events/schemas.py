"""JSON Schema for every event type and for the envelope, generated from the models.

`python -m events.schemas` writes them under schemas/; `--check` fails when the files
differ from what the code would generate (CI runs the check through the test suite).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from events.base import Event
from events.envelope import SCHEMAS, CloudEvent, schema_uri
from events.registry import CATALOGUE, SUPERSEDED

ROOT = Path(__file__).resolve().parent.parent / "schemas"
BASE_URI = SCHEMAS


def event_schema(cls: type[Event]) -> dict[str, Any]:
    schema = cls.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_uri(cls),
        "x-cloudevents-type": cls.event_type(),
        "x-family": cls.family,
        **schema,
        "description": (cls.__doc__ or cls.__name__).strip().splitlines()[0],
    }


def envelope_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{BASE_URI}cloudevent.json",
        **CloudEvent.model_json_schema(mode="validation"),
    }


def redacted_schema(cls: type[Event]) -> dict[str, Any]:
    """What a city receives: the event without its private fields."""
    schema = event_schema(cls)
    schema["$id"] = schema_uri(cls, "city")
    schema["properties"] = {k: v for k, v in schema["properties"].items() if k not in cls.private}
    schema["required"] = [k for k in schema.get("required", []) if k not in cls.private]
    schema["description"] += f" (for cities: without {', '.join(sorted(cls.private))})"
    return schema


def redacted_schema_uri(cls: type[Event]) -> str:
    """The schema a city's copy of this event type conforms to."""
    return schema_uri(cls, "city") if cls.private else schema_uri(cls)


FOLDERS = ["events", "city"]


def rendered() -> dict[Path, str]:
    files = {ROOT / "cloudevent.json": envelope_schema()}
    for cls in (*CATALOGUE, *SUPERSEDED):  # old versions' schemas stay: old events point at them
        files[ROOT / "events" / f"{cls.event_type()}.json"] = event_schema(cls)
        if cls.private:
            files[ROOT / "city" / f"{cls.event_type()}.json"] = redacted_schema(cls)
    return {path: json.dumps(schema, indent=2, sort_keys=True) + "\n" for path, schema in files.items()}


def stale() -> list[str]:
    """The schema files that are missing, out of date, or no longer generated."""
    return stale_files(rendered(), FOLDERS)


def write() -> None:
    write_files(rendered(), FOLDERS)


def stale_files(expected: dict[Path, str], folders: list[str]) -> list[str]:
    found = [p for p, text in expected.items() if not p.exists() or p.read_text() != text]
    managed = {p for folder in folders for p in (ROOT / folder).glob("*.json")}
    return sorted(str(p.relative_to(ROOT.parent)) for p in [*found, *(managed - set(expected))])


def write_files(expected: dict[Path, str], folders: list[str]) -> None:
    """Write what is generated; remove generated files whose type no longer exists."""
    for folder in folders:
        (ROOT / folder).mkdir(parents=True, exist_ok=True)
        for old in set((ROOT / folder).glob("*.json")) - set(expected):
            old.unlink()
    for path, text in expected.items():
        path.write_text(text)


def main(argv: list[str]) -> int:
    if "--check" in argv:
        outdated = stale()
        for path in outdated:
            print(f"out of date: {path} (run: python -m events.schemas)")
        return 1 if outdated else 0
    write()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
