# Agora: `make run` to try it, `make test` to check it.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint supply-chain translations extract-messages assets install lock clean bench-pages bench-load bench-tally

run: install assets translations  ## serve the demo city on http://127.0.0.1:5000
	AGORA_ENV=$${AGORA_ENV:-development} $(BIN)/flask db upgrade
	AGORA_ENV=$${AGORA_ENV:-development} $(BIN)/flask demo load --if-empty
	@AGORA_ENV=$${AGORA_ENV:-development} $(BIN)/flask demo accounts
	@echo "Serving on http://127.0.0.1:5000 (Ctrl+C to stop)"
	AGORA_ENV=$${AGORA_ENV:-development} $(BIN)/flask run --host 127.0.0.1 --port 5000

PYTEST_WORKERS ?= auto

test: install assets translations lint supply-chain  ## the whole suite (SQLite, and PostgreSQL when TEST_DATABASE_URL is set)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

bench-pages: install translations  ## seed PostgreSQL, serve with gunicorn, compare with a bare Flask page
	$(BIN)/python benchmarks/pages/run.py $(BENCH_ARGS)

bench-load: install translations  ## the last day of a city-wide vote: browsing, commenting, casting
	$(BIN)/python benchmarks/load/run.py $(BENCH_ARGS)

bench-tally: install  ## Equal Shares on Łódź 2022: Agora's tally engine against pabutools
	$(BIN)/python benchmarks/tally/run.py $(BENCH_ARGS)

lint:
	$(BIN)/ruff check .

supply-chain: install  ## bandit on the code, pip-audit on the pinned dependencies
	$(BIN)/python scripts/supply_chain.py

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev,panels]"
	touch $@

assets: static/vendor/htmx.min.js

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

static/vendor/htmx.min.js: node_modules/.installed
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js

translations: install
	$(BIN)/pybabel -q compile -d translations

extract-messages: install  ## refresh the catalogues after changing user-facing text
	$(BIN)/python scripts/sync_translations.py

lock: install  ## re-pin every installed package in constraints.txt
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache
