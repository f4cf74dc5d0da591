#!/usr/bin/env bash
# Builds Chatire, starts it on a free port with a temporary database, and runs the browser test
# against it in headless Debian Chromium. Usage: scripts/e2e/run-e2e.sh [--screenshots]
# (--screenshots also writes the main views of the feature test to docs/screenshot-*.png)
# Needs: dotnet, node >= 20 with npm, /usr/bin/chromium (apt-get install -y chromium).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/chatire-e2e.XXXXXX")"
server_pid=""

cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

cd "$here"
if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

echo "== building the server"
dotnet build "$repo/Chatire.Server/Chatire.Server.csproj" -c Release -o "$work/bin" -nologo -v quiet

port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
echo "== starting chatire on port $port"
"$work/bin/chatire" serve --host 127.0.0.1 --port "$port" --db "$work/chatire.db" >"$work/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 100); do
  if node -e "fetch('http://127.0.0.1:$port/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then
    break
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "chatire exited during start:"; cat "$work/server.log"; exit 1
  fi
  sleep 0.2
done

echo "== browser test"
started=$(date +%s)
status=0
if [ "${1:-}" = "--screenshots" ]; then export CHATIRE_SCREENSHOTS=1; fi
CHATIRE_URL="http://127.0.0.1:$port" node --test --test-concurrency=1 chat.spec.mjs features.spec.mjs || status=$?
echo "== browser test took $(( $(date +%s) - started )) s"
if [ "$status" -ne 0 ]; then
  mkdir -p "$here/artifacts"
  cp "$work/server.log" "$here/artifacts/server.log" || true
  echo "== last server log lines"; tail -n 40 "$work/server.log"
fi
exit "$status"
