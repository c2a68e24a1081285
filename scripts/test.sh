#!/usr/bin/env bash
# Sets up the project (first run only), then lints, type-checks and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
"$VENV/bin/mypy"
"$VENV/bin/python" -m events.schemas --check
"$VENV/bin/python" -m accelerator.kafka.asyncapi --check
exec "$VENV/bin/pytest" "$@"
