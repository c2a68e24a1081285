#!/usr/bin/env bash
# Debian's Chromium for the browser tests (tests/web/test_browser.py drives it with Playwright;
# Playwright's own browser download cannot work here). Idempotent: installs once, as root.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "chromium: not installed; as root: apt-get update && apt-get install -y chromium" >&2
    exit 1
fi
echo "chromium: installing Debian's chromium..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
