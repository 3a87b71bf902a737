#!/usr/bin/env sh
# Download the default detector, YOLOX-Nano, for machines with internet access, and check it.
#
#   scripts/fetch-model.sh [models-dir]      (default: $SIGHTLINE_MODELS_DIR, else ../shared/models)
#
# Two exports of the same official weights are accepted (see ../shared/models/README.md):
#   - the upstream release file downloaded here (Megvii-BaseDetection/YOLOX 0.1.1rc0),
#     sha256 c789161ed43c8269fcd4e67c67eeeb4e80c622da2eb296a20bc6007bd18a0b7d, 3,659,407 bytes;
#   - the development copy in ../shared/models,
#     sha256 d39bee73564e338080378b0ad567fbb40e818b55bbfaf971de82a0267ed16b8a, 3,713,911 bytes.
# Both take `images` [1,3,416,416] and give `output` [1,3549,85]. A file already present with
# either hash is kept; anything else is refused and nothing is written.
set -eu

URL="https://github.com/Megvii-BaseDetection/YOLOX/releases/download/0.1.1rc0/yolox_nano.onnx"
UPSTREAM_SHA256="c789161ed43c8269fcd4e67c67eeeb4e80c622da2eb296a20bc6007bd18a0b7d"
DEV_EXPORT_SHA256="d39bee73564e338080378b0ad567fbb40e818b55bbfaf971de82a0267ed16b8a"

repo_root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-${SIGHTLINE_MODELS_DIR:-$repo_root/../shared/models}}"
target="$dir/yolox_nano.onnx"

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1; else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

if [ -f "$target" ]; then
  have="$(sha256_of "$target")"
  if [ "$have" = "$UPSTREAM_SHA256" ] || [ "$have" = "$DEV_EXPORT_SHA256" ]; then
    echo "ok: $target (sha256 $have)"
    exit 0
  fi
  echo "error: $target exists with an unknown sha256 $have; move it away and run again" >&2
  exit 1
fi

mkdir -p "$dir"
tmp="$(mktemp "$dir/.yolox_nano.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
echo "downloading $URL"
if command -v curl >/dev/null 2>&1; then
  curl -fsSL --retry 3 -o "$tmp" "$URL"
else
  wget -q -O "$tmp" "$URL"
fi
have="$(sha256_of "$tmp")"
if [ "$have" != "$UPSTREAM_SHA256" ]; then
  echo "error: downloaded file has sha256 $have, expected $UPSTREAM_SHA256; not installed" >&2
  exit 1
fi
chmod 0644 "$tmp"
mv "$tmp" "$target"
trap - EXIT
echo "ok: $target (sha256 $have)"
