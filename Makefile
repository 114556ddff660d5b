# factcheck — the two commands a newcomer needs are `make run` and `make test`.
# Everything runs from .venv, which scripts/venv.sh creates and keeps in step with
# requirements.txt. See README.md and docs/ for what each target does.

SHELL := /bin/bash
.DEFAULT_GOAL := help
PY := .venv/bin/python

# The PostgreSQL + Redis pass of `make test`. Override on the command line if yours differ.
PG_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/factcheck
PG_REDIS_URL ?= redis://127.0.0.1:6379/0
# Extra arguments for pytest, e.g. `make test-sqlite PYTEST_ARGS="-k workflow -x"`.
PYTEST_ARGS ?=
BENCH_ARGS ?=
export PG_DATABASE_URL PG_REDIS_URL PYTEST_ARGS

.PHONY: help venv run test test-sqlite test-pg fuzz services lint format check-deploy bench messages audit reliability

help:
	@echo "make run           set up (venv, migrate, demo data, admin login) and start the web app + Celery worker"
	@echo "make test          the whole test suite twice: on SQLite, then on PostgreSQL with Redis"
	@echo "make test-sqlite   the suite on SQLite only (needs no services)"
	@echo "make test-pg       the suite on PostgreSQL + Redis only (starts them if installed but stopped)"
	@echo "make fuzz          the deep API fuzzing (100 examples per operation and role, stateful links) on PostgreSQL"
	@echo "make lint          ruff check + ruff format --check + mypy (claims/, factcheck/)"
	@echo "make format        ruff format + ruff check --fix"
	@echo "make check-deploy  Django's deployment checks with production-like settings"
	@echo "make services      start PostgreSQL and Redis if installed but stopped (CI=true: install them)"
	@echo "make bench         the benchmark suite (bench/run.py)"
	@echo "make messages     update locale/nb from the sources (then translate the new entries)"
	@echo "make audit         known vulnerabilities in requirements.txt (says NOT AUDITED when it could not look)"
	@echo "make reliability   run the tests behind docs/reliability.md and regenerate it with their figures"

venv:
	@scripts/venv.sh

run: venv
	@$(PY) scripts/run.py

test: venv
	@scripts/test.sh sqlite
	@scripts/test.sh pg

test-sqlite: venv
	@scripts/test.sh sqlite

test-pg: venv
	@scripts/test.sh pg

# The deep API fuzzing (issue 11): every operation of the OpenAPI document with FUZZ_EXAMPLES
# (100) examples per role and all of schemathesis' response checks, plus the stateful run that
# follows the document's links, on PostgreSQL + Redis. `make test` runs the same file at 15.
FUZZ_EXAMPLES ?= 100
fuzz: venv
	@scripts/services.sh postgres redis
	env DATABASE_URL="$(PG_DATABASE_URL)" REDIS_URL="$(PG_REDIS_URL)" FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
		$(PY) -m pytest -q -p no:randomly --durations=5 -n "$${TEST_PROCESSES:-auto}" --maxprocesses=4 tests/test_api_fuzz.py

services:
	@scripts/services.sh

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: venv
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

check-deploy: venv
	@scripts/check_deploy.sh

# The benchmarks run against PostgreSQL and Redis; BENCH_ARGS go to bench/run.py
# (e.g. `make bench BENCH_ARGS="--quick"`; see `.venv/bin/python bench/run.py --help`).
bench: venv
	@if [ ! -f bench/run.py ]; then echo "bench/run.py does not exist: no benchmarks to run." >&2; exit 1; fi
	@scripts/services.sh postgres redis
	$(PY) bench/run.py $(BENCH_ARGS)

# No source locations in the catalogue: line numbers churn on every edit and turn
# parallel branches' catalogue updates into merge conflicts.
messages: venv
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -l nb --no-location --no-obsolete \
		--ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=scripts
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages -l nb --ignore=.venv --ignore=var

audit: venv
	@$(PY) scripts/audit.py

reliability: venv
	@scripts/services.sh postgres redis || true
	@$(PY) scripts/reliability.py
