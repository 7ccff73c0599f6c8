#!/usr/bin/env bash
# Everything a fresh Debian machine needs, installed by the project itself: ffmpeg (benchmarks
# and the test fixtures' video variants) and a virtual environment with glutecoach and its
# pinned dependencies. With GLUTECOACH_FOR_TESTS=1 (scripts/test.sh) also what the tests need:
# PostgreSQL, Debian's Chromium and the test extra (pytest, Playwright, schemathesis, Ray).
# Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
need_apt=()
command -v ffmpeg >/dev/null 2>&1 || need_apt+=(ffmpeg)
for_tests="${GLUTECOACH_FOR_TESTS:-0}"
# Debian's Chromium for the Playwright browser tests (launched from /usr/bin/chromium; no download).
if [ "$for_tests" = 1 ] && [ ! -x /usr/bin/chromium ]; then
    need_apt+=(chromium)
fi
if [ "$for_tests" = 1 ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
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
if [ "$for_tests" = 1 ]; then
    .venv/bin/python -m pip install -q -e ".[test]"
else
    .venv/bin/python -m pip install -q -e .
fi
