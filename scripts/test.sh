#!/usr/bin/env bash
# Sets up the project (first run only), starts the servers the Kafka tests need (a real
# Apache Kafka broker — secured: SASL/SCRAM and ACLs, each worker its own principal — and
# PostgreSQL on loopback; both idempotent, left running), then lints, type-checks and runs the
# whole test suite. ACCELERATOR_TEST_SERVERS=none skips the servers: the Kafka tests then say
# how to start them and are skipped (in CI, CI=true, they fail). KAFKA_PORT=19092 runs (and
# tests against) a broker of this checkout on another port; the tests find its credentials.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
export ACCELERATOR_KAFKA_BOOTSTRAP_SERVERS="${ACCELERATOR_KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
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
