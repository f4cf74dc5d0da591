#!/usr/bin/env bash
# CI suite: the README's curl walkthrough, run verbatim against a fresh server (scripts/walkthrough).
# Needs curl, jq and Node.js 20+; installs jq when missing (CI runs as root on Debian).
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v jq >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq jq >/dev/null
fi
dotnet build Chatire.Server -nologo -v quiet >/dev/null
exec scripts/walkthrough
