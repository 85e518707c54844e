# Two commands matter: `make demo` and `make test`. Everything else is a step they share.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= canhve.settings

.PHONY: demo test lint typecheck check pytest serve worker messages clean benchmarks

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	$(BIN)/python -m canhve.i18n_build
	touch $(STAMP)

# Test tools (pytest, Playwright, schemathesis, locust, mypy…) only for `make test`, not for the demo.
$(DEV_STAMP): $(STAMP) requirements-dev.lock
	$(BIN)/python -m pip install -q -r requirements-dev.lock
	touch $(DEV_STAMP)

demo: $(STAMP)
	$(BIN)/python -m canhve.i18n_build
	$(BIN)/canhve migrate --noinput
	$(BIN)/canhve load-reference
	$(BIN)/canhve seed-demo
	$(BIN)/canhve collectstatic --noinput -v 0
	$(BIN)/canhve serve --host $(HOST) --port $(PORT)

lint: $(DEV_STAMP)
	$(BIN)/ruff check canhve benchmarks
	$(BIN)/ruff format --check canhve benchmarks
	$(BIN)/lint-imports

typecheck: $(DEV_STAMP)
	$(BIN)/mypy canhve

check: $(DEV_STAMP)
	$(BIN)/canhve check
	$(BIN)/canhve makemigrations --check --dry-run

pytest: $(DEV_STAMP)
	$(BIN)/python -m canhve.i18n_build
	$(BIN)/pytest -n 2

test: lint typecheck check pytest

messages: $(STAMP)
	$(BIN)/python -m canhve.i18n_build

benchmarks: $(DEV_STAMP)
	for b in benchmarks/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var staticfiles
