#!/usr/bin/env bash
# Creates the virtual environment and installs the pinned project into it, once per change of
# pyproject.toml. Sourced by demo.sh and test.sh; sets VENV.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV="${ACCELERATOR_VENV:-.venv}"
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null || PYTHON=python3
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    echo "error: python: Python 3.11 is needed (found $("$PYTHON" --version 2>&1))" >&2
    exit 1
fi
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    # bench: the benchmark's peer library and profiler, small and pure Python; installed here so
    # that `accelerator bench` runs on any developer's machine and in CI without a second step
    "$VENV/bin/python" -m pip install --quiet -e ".[test,bench]"
    rm -f "$VENV"/.installed-*
    touch "$stamp"
fi
# From npm, never copied into the repo: the AsyncAPI project's own parser validates
# schemas/asyncapi.yaml (tests/events/test_asyncapi.py); htmx, its SSE extension and Swagger UI
# are the dashboard's and /docs' static files (accelerator/web/app.py serves them).
if command -v npm >/dev/null; then
    for tool in tools/asyncapi tools/web; do
        npm_stamp="$tool/node_modules/.installed-$(sha256sum "$tool/package-lock.json" | cut -c1-16)"
        if [ ! -f "$npm_stamp" ]; then
            npm ci --prefix "$tool" --no-audit --no-fund --loglevel=error >/dev/null
            touch "$npm_stamp"
        fi
    done
fi
export VENV
