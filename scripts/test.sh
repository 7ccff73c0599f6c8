#!/usr/bin/env bash
# The whole test suite, from a fresh clone with ../shared beside it: installs what it needs,
# starts PostgreSQL for the storage tests, checks lint (ruff) and types (mypy), and runs pytest
# (browser tests drive /usr/bin/chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
GLUTECOACH_FOR_TESTS=1 bash scripts/setup.sh
export GLUTECOACH_TEST_POSTGRES_URL="$(bash .ci/postgres.sh)"
export MPLBACKEND=Agg
.venv/bin/ruff check src tests benchmarks
.venv/bin/mypy
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
