#!/usr/bin/env bash
# Installs what Sightline needs on a fresh Debian/Ubuntu machine with Node >= 20.19:
# system packages (nats-server, ffmpeg, and for the browser/deploy tests chromium and promtool),
# pnpm, and the dependencies from the frozen lockfile. Safe to run again; it skips what is there.
# Without root (or apt) it prints exactly what to install instead.
set -euo pipefail
cd "$(dirname "$0")/.."

need_node_major=20
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt "$need_node_major" ]; then
  echo "Sightline needs Node.js >= 20.19 (found: $(node --version 2>/dev/null || echo none)). Install it from nodejs.org or your package manager." >&2
  exit 1
fi

# command -> Debian package. The test suite also drives a real Chromium and checks alert rules with promtool.
declare -A packages=( [nats-server]=nats-server [ffmpeg]=ffmpeg )
if [ "${1:-}" = "--test" ]; then
  packages[chromium]=chromium
  packages[promtool]=prometheus
fi
missing=()
for cmd in "${!packages[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || [ -x "/usr/bin/$cmd" ] || missing+=("${packages[$cmd]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${missing[*]} from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing: ${missing[*]}. Install them, e.g.: sudo apt-get install ${missing[*]}" >&2
    echo "(nats-server can also come from https://github.com/nats-io/nats-server/releases; or set NATS_URL to a running NATS with JetStream.)" >&2
    exit 1
  fi
fi

if ! command -v pnpm >/dev/null 2>&1; then
  echo "Installing pnpm 10 with npm"
  npm install -g pnpm@10 >/dev/null
fi

# The lockfile decides every version; onnxruntime-node's install script stays off (see pnpm-workspace.yaml).
pnpm install --frozen-lockfile --reporter=silent
