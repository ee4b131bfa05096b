# Two commands for a fresh machine: `make run` (the app on the bundled demo) and
# `make test` (every test: the JavaScript modules under node's test runner, then pytest).
# Both install what they need first.
VENV := .venv
PY := $(VENV)/bin/python
PORT ?=   # empty: the PORT setting ($$LISTENALONG_PORT, else 5000)

.PHONY: run test deps test-deps bench

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,prod]'
	touch $@

deps: $(VENV)/.installed

run: deps
	$(VENV)/bin/listenalong run $(if $(strip $(PORT)),--port $(PORT))

test-deps: deps
	scripts/install-system-deps
	npm ci --no-audit --no-fund --silent

test: test-deps
	node --test tests/js/
	$(PY) -m pytest

bench: test-deps
	for b in bench/bench_*.py; do $(PY) $$b || exit 1; done
