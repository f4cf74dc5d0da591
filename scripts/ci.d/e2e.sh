#!/usr/bin/env bash
# CI suite: the web client's end-to-end test in headless Chromium (Debian's package; no browser
# download). Installs chromium when missing (CI runs as root with Debian and npm reachable).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -x /usr/bin/chromium ]; then
  echo "== installing chromium (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "node and npm are needed for the browser test (Node.js 20 or later)."
  exit 1
fi

exec bash scripts/e2e/run-e2e.sh
