#!/usr/bin/env bash
# The whole test suite on a fresh machine: install what is missing, then run every test
# (unit, integration against a real nats-server, end-to-end, browser). Ends with "N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
exec pnpm test "$@"
