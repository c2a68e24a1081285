"""schemas/asyncapi.yaml: generated from the code, valid for the AsyncAPI project's own parser."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from accelerator.kafka.asyncapi import document, stale
from events.schemas import ROOT
from events.topics import registry
from services.routing import SERVICES

VALIDATOR = ROOT.parent / "tools" / "asyncapi" / "validate.mjs"


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    if not (VALIDATOR.parent / "node_modules").exists():
        pytest.fail("tools/asyncapi/node_modules is missing: run `bash scripts/setup.sh` (npm ci)")
    return subprocess.run(["node", str(VALIDATOR), str(path)], capture_output=True, text=True, timeout=120)


def test_the_checked_in_document_and_schemas_match_the_code() -> None:
    assert stale() == [], "run: python -m accelerator.kafka.asyncapi"


def test_every_topic_is_a_channel_with_its_messages() -> None:
    channels = {c["address"]: c for c in document()["channels"].values()}
    for topic in registry(tuple(SERVICES)):
        assert topic.name in channels
        assert channels[topic.name]["messages"], topic.name
    assert "accelerator.city.{city}" in channels
    city_messages = channels["accelerator.city.{city}"]["messages"]
    assert city_messages["ApplicationSubmitted"]["$ref"].endswith("ApplicationSubmittedForCities")


def test_the_asyncapi_parser_accepts_the_document() -> None:
    result = validate(ROOT / "asyncapi.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid AsyncAPI 3.1.0" in result.stdout


def test_the_asyncapi_parser_rejects_a_broken_document(tmp_path: Path) -> None:
    copy = tmp_path / "schemas"
    shutil.copytree(ROOT, copy)
    broken = yaml.safe_load((copy / "asyncapi.yaml").read_text())
    del broken["components"]["messages"]["PaymentRequested"]  # still referenced by channels
    (copy / "asyncapi.yaml").write_text(yaml.safe_dump(broken))
    result = validate(copy / "asyncapi.yaml")
    assert result.returncode == 1
    assert "PaymentRequested" in result.stdout + result.stderr


def test_finance_systems_see_the_actor_and_the_end_to_end_id_on_the_finance_topic() -> None:
    channels = {c["address"]: c for c in document()["channels"].values()}
    finance = channels["accelerator.finance.payments"]["messages"]
    assert {"PaymentInstructed", "PaymentDisbursed", "PaymentsExported"} <= set(finance)
    message = document()["components"]["messages"]["PaymentInstructed"]
    envelope, data = message["payload"]["allOf"]
    assert envelope == {"$ref": "./cloudevent.json"}
    assert "actor" in json.loads((ROOT / "cloudevent.json").read_text())["properties"]
    instructed = json.loads((ROOT / data["properties"]["data"]["$ref"]).read_text())
    assert "end_to_end_id" in instructed["properties"]
