#!/usr/bin/env bash
# Sets up the project (first run only) and runs the demo programme on the embedded runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
exec "$VENV/bin/accelerator" demo --store "${ACCELERATOR_DEMO_STORE:-.accelerator/demo.db}" "$@"
