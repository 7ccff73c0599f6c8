#!/usr/bin/env bash
# Everything a fresh Debian or Ubuntu machine needs, installed by the project itself: ffmpeg
# (benchmarks and the test fixtures' video variants), python3-venv where the system Python lacks
# it, and a virtual environment with glutecoach, the web app and the clinic's commands (the web and
# postgres extras). With GLUTECOACH_FOR_TESTS=1 (scripts/test.sh) also what the tests need:
# PostgreSQL, Debian's Chromium and the test extra (pytest, Playwright, schemathesis, Ray).
# Safe to run again. If another apt or dpkg (an unattended upgrade, a second terminal) is running,
# it waits for it, saying so, instead of failing on its lock.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_busy() {
    # Another package manager is running. Read from /proc: a bare system may lack pgrep.
    local comm
    for comm in /proc/[0-9]*/comm; do
        case "$(cat "$comm" 2>/dev/null)" in
            apt | apt-get | aptitude | dpkg | unattended-upgr) return 0 ;;
        esac
    done
    return 1
}

wait_for_apt() {
    local waited=0 limit=1800 every="${GLUTECOACH_APT_POLL_S:-5}"
    while apt_busy; do
        if [ "$waited" -eq 0 ]; then
            echo "setup: another apt or dpkg is running; waiting for it to finish (up to 30 min)..." >&2
        fi
        if [ "$waited" -ge "$limit" ]; then
            echo "setup: error: apt or dpkg still running after 30 min; run this again when it ends" >&2
            exit 1
        fi
        sleep "$every"
        waited=$((waited + every))
    done
}

need_apt=()
command -v ffmpeg >/dev/null 2>&1 || need_apt+=(ffmpeg)
# Debian and Ubuntu ship venv's pip bootstrap separately (python3-venv).
if [ ! -x .venv/bin/python ] && ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    need_apt+=(python3-venv)
fi
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
    # Lock::Timeout too: a package manager may start between the check and our call.
    wait_for_apt
    $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
    wait_for_apt
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
        "${need_apt[@]}" >/dev/null
fi
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
if [ "$for_tests" = 1 ]; then
    .venv/bin/python -m pip install -q -e ".[test]"
else
    .venv/bin/python -m pip install -q -e ".[web,postgres]"
fi
# MediaPipe 0.10.21 requires JAX for its model-maker and LLM-converter tools; its pose solution,
# the only part glutecoach uses, never imports it. Removing it saves about 380 MB
# (docs/settings.md); pip puts it back on the next run, and this removes it again.
.venv/bin/python -m pip uninstall -q -y jax jaxlib ml_dtypes opt_einsum
