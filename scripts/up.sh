#!/usr/bin/env bash
# Brings the whole Sightline stack up on this machine: installs what is missing, starts
# nats-server -js (store under .sightline/) unless NATS_URL is set, runs the five services,
# creates a demo tenant, key and camera, and prints the URLs. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec pnpm start "$@"
