#!/usr/bin/env bash
# One pass of the test suite: `test.sh sqlite` or `test.sh pg` (PostgreSQL + Redis).
#
# `make test` runs both. Extra pytest arguments come from $PYTEST_ARGS. pytest's exit
# code 5 ("no tests collected") counts as a failure: a suite that ran nothing proves nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
PG_DATABASE_URL=${PG_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/factcheck}
PG_REDIS_URL=${PG_REDIS_URL:-redis://127.0.0.1:6379/0}
# Shell words, so that quoting works: PYTEST_ARGS="-m 'not slow' -x". It is the caller's own string.
eval "extra=(${PYTEST_ARGS:-})"
# Several test processes (pytest-xdist), one per core up to four: the tests that start workers,
# servers or browsers keep to one of them (their xdist_group, tests/conftest.py). TEST_PROCESSES=0
# runs everything in this process.
parallel=(-n "${TEST_PROCESSES:-auto}" --maxprocesses=4 --dist loadgroup)

scripts/services.sh chromium

run_pytest() {
    local label=$1
    shift
    echo "==> Tests on $label"
    local status=0
    "$@" || status=$?
    if [ "$status" -eq 5 ]; then
        echo "error: pytest collected no tests on $label; that counts as a failure." >&2
        return 1
    fi
    if [ "$status" -ne 0 ]; then
        echo "error: tests failed on $label (pytest exit $status)." >&2
    fi
    return "$status"
}

case ${1:-} in
    sqlite)
        # The embedded default: in-memory SQLite and the in-process memory broker.
        run_pytest SQLite env -u DATABASE_URL -u REDIS_URL "$PY" -m pytest "${parallel[@]}" "${extra[@]}"
        ;;
    pg)
        scripts/services.sh postgres redis
        run_pytest "PostgreSQL + Redis" env DATABASE_URL="$PG_DATABASE_URL" REDIS_URL="$PG_REDIS_URL" \
            "$PY" -m pytest --create-db "${parallel[@]}" "${extra[@]}"
        ;;
    *)
        echo "usage: $0 sqlite|pg" >&2
        exit 2
        ;;
esac
