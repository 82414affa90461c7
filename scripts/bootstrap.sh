#!/usr/bin/env bash
# Set up everything the project needs on a fresh machine of this kind, idempotently:
# uv (pinned, from PyPI) -> the locked Python environment -> the control-plane binaries
# (built from the Go module proxy into ~/.cache/airunway, reused when already built).
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${AIRUNWAY_CACHE_DIR:-$HOME/.cache/airunway}"
UV_VERSION=0.13.9
UV="$CACHE/uv-venv/bin/uv"

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf 'bootstrap: %s\n' "$*" >&2; exit 1; }

command -v python3.11 >/dev/null || fail "step 'find python': python3.11 is not on PATH"
command -v go >/dev/null || fail "step 'find go': Go >= 1.26 is not on PATH (the control plane is built from source)"

if [ ! -x "$UV" ] || [ "$("$UV" --version | awk '{print $2}')" != "$UV_VERSION" ]; then
  step "installing uv $UV_VERSION into $CACHE/uv-venv"
  mkdir -p "$CACHE"
  python3.11 -m venv --clear "$CACHE/uv-venv" >/dev/null || fail "step 'python venv' failed"
  "$CACHE/uv-venv/bin/pip" install --quiet --disable-pip-version-check "uv==$UV_VERSION" \
    || fail "step 'pip install uv' failed"
fi

step "syncing the locked Python environment (.venv)"
UV_PYTHON=python3.11 UV_PYTHON_DOWNLOADS=never "$UV" sync --locked --quiet \
  || fail "step 'uv sync --locked' failed (is uv.lock current? run: make lock)"

step "building or reusing the control-plane binaries (first time: several minutes)"
.venv/bin/airunway dev build

# The web UI and its browser tests: Node packages from the lock, Debian's Chromium (driven by
# playwright-core through its executable path; nothing else downloads browsers), and the UI
# build in web/dist, which the backend serves.
command -v npm >/dev/null || fail "step 'find node': Node >= 20 with npm is not on PATH (the web UI is built with it)"
if [ ! -x /usr/bin/chromium ]; then
  step "installing Debian's chromium (headless browser tests of the web UI)"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null || fail "step 'apt-get update' failed"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null \
    || fail "step 'apt-get install chromium' failed"
fi
step "installing or reusing the locked Node packages (npm ci when package-lock.json changed)"
LOCK_STAMP=node_modules/.airunway-lock.sha256
if [ ! -f "$LOCK_STAMP" ] || ! sha256sum --check --status "$LOCK_STAMP"; then
  npm ci --no-audit --no-fund --loglevel=error || fail "step 'npm ci' failed (is package-lock.json current? run: npm install)"
  sha256sum package-lock.json > "$LOCK_STAMP"
fi
step "building the web UI into web/dist"
npm run --silent build >/dev/null || fail "step 'npm run build' (client drift check, type checks, vite build) failed"
