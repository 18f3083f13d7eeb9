# baobiao: one command to set up and run the example, one to set up and run the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: setup demo test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/baobiao check gov-disclosure-2017 examples/shandong-fao-2017.yaml
	@echo
	@echo "--- the same table with three mistakes (exit status 1 is expected) ---"
	$(BIN)/baobiao check gov-disclosure-2017 examples/mistakes/shandong-fao-2017-mistakes.yaml; test $$? -eq 1

test: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .hypothesis
