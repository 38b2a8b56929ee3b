#!/usr/bin/env bash
# The whole test suite in one pytest run: unit, integration and the Playwright journeys
# (tests/e2e, marker e2e). Used by `make test` and scripts/test-pg.sh; extra arguments are
# passed to pytest (e.g. scripts/pytest.sh tests/core -x). Exits with pytest's exit code.
set -euo pipefail
cd "$(dirname "$0")/.."

# Playwright's sync API runs an event loop in the test thread; live_server tests then touch
# the ORM from it.
export DJANGO_ALLOW_ASYNC_UNSAFE=true
# The ID-number/ballot key is required with DEBUG off (the tests run with DEBUG off); a fixed test
# key unless one is given (tests/conftest.py sets the same one for a bare `pytest`).
export GONGHUI_FIELD_KEY="${GONGHUI_FIELD_KEY:-gonghui-test-field-key-not-for-production-0123456789}"
# Both cores (pytest-xdist): the suite is CPU-bound, and CI must stay under 45 minutes.
# PYTEST_WORKERS=0 (or `-p no:xdist`) runs in one process, e.g. to debug with pdb.
workers="${PYTEST_WORKERS:-auto}"
parallel=()
case " $* " in
    *" no:xdist "* | *" -pno:xdist "*) ;;
    *) [ "$workers" != 0 ] && parallel=(-n "$workers" --dist worksteal) ;;
esac
exec .venv/bin/pytest -q "${parallel[@]}" "$@"
