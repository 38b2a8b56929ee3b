# Gonghui — everyday commands. `make help` lists them.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
BIN    := $(VENV)/bin
PYTHON := $(BIN)/python
VAR    := $(or $(GONGHUI_VAR_DIR),var)
ADDR   ?= 127.0.0.1:8000

.PHONY: help setup run serve prod-smoke test test-deps pytest test-pg lint bench lighthouse lock clean distclean

help:
	@echo "make run       demo: set up, migrate, load demo data, worker + dev server on http://$(ADDR) (DEBUG=1: debug pages)"
	@echo "make serve     production: checks, static files, migrations, gunicorn + worker (README, Production)"
	@echo "make prod-smoke start 'make serve' on PostgreSQL and drive it in Chromium (vote, import, worker kill)"
	@echo "make test      lint, then the whole test suite (incl. Playwright e2e) on SQLite"
	@echo "make test-pg   the whole test suite on PostgreSQL (DATABASE_URL or a throwaway cluster)"
	@echo "make pytest    the test suite only, no lint (ARGS='tests/core -x' to narrow it)"
	@echo "make lint      ruff check, ruff format --check, mypy, djlint, lint-imports, house-rule AST tests"
	@echo "make bench     benchmark scenarios (bench/)"
	@echo "make lighthouse Lighthouse scores of home, member list, dashboard (phone, desktop)"
	@echo "make setup     create/refresh .venv and node_modules (run by the targets above)"
	@echo "make lock      regenerate requirements.lock from pyproject.toml"
	@echo "make clean     remove caches and build leftovers (keeps .venv, node_modules, var/)"
	@echo "make distclean clean, and also remove .venv, node_modules and var/"

setup:
	@bash scripts/setup.sh

# DEBUG stays off (the Chinese error pages; static files through WhiteNoise) unless DEBUG=1 is
# given; the demo speaks plain HTTP, so its cookies cannot be Secure-only unless SECURE_COOKIES=1.
# The background worker runs beside the development server; the demo's key is in var/demo.env.
run: setup
	ADDR=$(ADDR) bash scripts/run-demo.sh

# Production: configured by environment variables (or var/gonghui.env); see README, "Production".
serve: setup
	bash scripts/serve.sh

# The production command on a fresh PostgreSQL database, driven through Chromium (CI step).
prod-smoke: setup test-deps
	$(PYTHON) scripts/prod-smoke.py

# Chromium and CJK fonts from Debian (installed only when running as root).
test-deps:
	@bash scripts/test-deps.sh

test: setup test-deps lint
	bash scripts/pytest.sh $(ARGS)

pytest: setup test-deps
	bash scripts/pytest.sh $(ARGS)

test-pg: setup test-deps
	bash scripts/test-pg.sh $(ARGS)

# Runs every checker and fails at the end if any of them failed. The last one is the house rules
# (issue 14) as AST checks: access only through core.access, writes only through @service, state
# fields only through their StateMachine. Concise ruff output: use
# `.venv/bin/ruff check .` / `.venv/bin/ruff format --diff` for the full picture, `ruff format` to fix.
LINTERS := "ruff check --output-format=concise ." \
           "ruff format --check --output-format=concise ." \
           "mypy gonghui" \
           "djlint gonghui --lint" \
           "lint-imports --no-cache --no-logo" \
           "pytest -q -p no:xdist --no-header tests/test_access_rules.py tests/test_house_rules.py tests/test_module_size.py"

lint: setup
	@status=0; \
	for cmd in $(LINTERS); do \
		echo "+ $$cmd"; \
		$(BIN)/$$cmd || { status=1; echo "lint: '$$cmd' failed"; }; \
	done; \
	exit $$status

bench: setup
	$(PYTHON) -m bench.run $(ARGS)

# The bench scenario `lighthouse` alone, without bench.run's large database (bench/lighthouse.py).
lighthouse: setup test-deps
	$(PYTHON) -m bench.lighthouse

lock: setup
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev -o requirements.lock --python $(PYTHON)

clean:
	rm -rf .mypy_cache .ruff_cache .pytest_cache .hypothesis build dist *.egg-info test-artifacts $(VAR)/staticfiles
	find . -path ./.venv -prune -o -path ./node_modules -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) node_modules $(VAR)
