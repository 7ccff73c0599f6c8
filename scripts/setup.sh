#!/usr/bin/env bash
# Everything a fresh Debian machine needs, installed by the project itself: system packages
# (ffmpeg for the test fixtures' video variants, PostgreSQL for the storage tests, Chromium for
# the browser tests) and a virtual environment with glutecoach and its pinned dependencies.
# Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
need_apt=()
command -v ffmpeg >/dev/null 2>&1 || need_apt+=(ffmpeg)
# Debian's Chromium for the Playwright browser tests (launched from /usr/bin/chromium; no download).
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ "${GLUTECOACH_WITH_POSTGRES:-0}" = 1 ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    need_apt+=(postgresql)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test]"
