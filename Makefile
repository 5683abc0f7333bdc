# The two commands of the README: `make demo` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Playwright drives Debian's chromium (scripts/test-browser.sh), never a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
STAMP := $(VENV)/.installed

.PHONY: demo django-site tour test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The demo forum on http://127.0.0.1:5000 (data in examples/flask_demo/instance/).
demo: $(STAMP)
	$(BIN)/python examples/flask_demo/app.py

# The example Django site on http://127.0.0.1:8000 (data in examples/django_site/data/).
django-site: $(STAMP)
	cd examples/django_site && ../../$(BIN)/python manage.py migrate && ../../$(BIN)/python manage.py runserver

# The terminal tour of goals, step by step.
tour: $(STAMP)
	$(BIN)/python examples/goals_walkthrough.py

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# The SQL server stores and the pages in a real browser are tested on every run: the
# scripts start (or install) PostgreSQL and MariaDB on 127.0.0.1 and Debian's Chromium, and
# export where the tests find them.
unit: $(STAMP)
	eval "$$(scripts/test-databases.sh)" && eval "$$(scripts/test-browser.sh)" && $(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/audit.py
	$(BIN)/python benchmarks/replay.py
	$(BIN)/python benchmarks/feed.py
	$(BIN)/python benchmarks/flask_api.py
	eval "$$(scripts/test-databases.sh)" && $(BIN)/python benchmarks/servers.py
	eval "$$(scripts/test-databases.sh)" && $(BIN)/python benchmarks/django_store.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache build dist
