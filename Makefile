PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv demo test lint bench screenshots clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade pip
	$(BIN)/python -m pip install -qq -e '.[test]'
	touch $(STAMP)

demo: venv
	$(BIN)/newsroom demo

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q -n 2

bench: venv
	$(BIN)/python bench/compare.py
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/watch.py
	$(BIN)/python bench/search.py

screenshots: venv
	$(BIN)/python docs/screenshots.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
