#!/usr/bin/env bash
# CI suite: build the NativeAOT executable and run the smoke test against it with no .NET on PATH.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$(date +%s)
scripts/publish
scripts/smoke-published
echo "publish-smoke took $(( $(date +%s) - start )) s"
