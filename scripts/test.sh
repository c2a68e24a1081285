#!/usr/bin/env bash
# Sets up the project (first run only; Debian's Chromium for the browser tests too), starts
# the servers the Kafka tests need (a real Apache Kafka broker and PostgreSQL on loopback;
# both idempotent, left running), then lints, type-checks and runs the whole test suite.
# ACCELERATOR_TEST_SERVERS=none skips the servers: the Kafka tests then say how to start
# them and are skipped (in CI, CI=true, they fail).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
bash deploy/chromium.sh  # the browser tests drive Debian's Chromium
if [ "${ACCELERATOR_TEST_SERVERS:-start}" != none ]; then
    bash deploy/kafka.sh start
    bash deploy/postgres.sh start
fi
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
"$VENV/bin/mypy"
"$VENV/bin/python" -m events.schemas --check
"$VENV/bin/python" -m accelerator.kafka.asyncapi --check
exec "$VENV/bin/pytest" "$@"
