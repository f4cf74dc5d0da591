#!/usr/bin/env bash
# CI suite: build the NativeAOT executable and run the smoke test against it with no .NET on PATH.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$(date +%s)
scripts/publish
# With the tests' PostgreSQL (.ci/run sets CHATIRE_TEST_PG), the smoke also runs the file against it.
if [ -n "${CHATIRE_TEST_PG:-}" ]; then
  smoke_db="chatire_smoke_$$"
  url_base=${CHATIRE_TEST_PG%/*}
  CHATIRE_DB_ADMIN="$CHATIRE_TEST_PG" python3 - "$smoke_db" <<'PY'
import os, subprocess, sys, urllib.parse
u = urllib.parse.urlparse(os.environ["CHATIRE_DB_ADMIN"])
bins = sorted(d for d in os.listdir("/usr/lib/postgresql"))
createdb = f"/usr/lib/postgresql/{bins[-1]}/bin/createdb"
env = dict(os.environ, PGPASSWORD=urllib.parse.unquote(u.password or ""))
subprocess.run([createdb, "-h", u.hostname, "-p", str(u.port or 5432), "-U", urllib.parse.unquote(u.username or ""), sys.argv[1]], env=env, check=True)
PY
  CHATIRE_SMOKE_PG="$url_base/$smoke_db" scripts/smoke-published
else
  scripts/smoke-published
fi
echo "publish-smoke took $(( $(date +%s) - start )) s"
