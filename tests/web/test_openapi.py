"""Schemathesis against the OpenAPI document, in-process (ASGI): every operation, with a
bounded number of generated requests as the programme manager, never answers 5xx, and every
answer matches the document (status, content type, schema).

The operations are walked here, each with hypothesis's `@given`, rather than through
schemathesis's pytest plugin, whose lazy fixtures do not run on pytest 9.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 6


@pytest.fixture(scope="module")
def operations(programme: Any) -> list[Any]:
    _world, app = programme
    # The stream never ends by itself: tests/web/test_stream.py reads it.
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app).exclude(path="/api/v1/stream")
    return [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]


def test_the_document_covers_every_command_and_question(operations: list[Any]) -> None:
    paths = {op.path for op in operations}
    assert "/api/v1/commands/ApproveMilestone" in paths and "/api/v1/startups/{startup_id}" in paths
    assert len(operations) > 40


def test_the_api_answers_as_its_document_says(operations: list[Any], world: Any) -> None:
    headers = {"Authorization": f"Bearer {world.tokens['manager']}"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
        )
        def conforms(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            conforms()
        except Exception as error:
            raise AssertionError(f"{operation.method.upper()} {operation.path}: {error}") from error
