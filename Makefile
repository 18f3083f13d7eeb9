# baobiao: one command to set up and run the example, one to set up and run the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: setup demo test lint clean docs-images

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/baobiao check gov-disclosure-2017 examples/shandong-fao-2017.yaml
	$(BIN)/baobiao render gov-disclosure-2017 examples/shandong-fao-2017.yaml --out out
	@echo
	@echo "--- the same table with three mistakes (exit status 1 is expected) ---"
	$(BIN)/baobiao check gov-disclosure-2017 examples/mistakes/shandong-fao-2017-mistakes.yaml; test $$? -eq 1
	@echo
	@echo "--- the report just written, audited back as a reviewer would (HTML and Word) ---"
	$(BIN)/baobiao audit out/shandong-fao-2017.html out/shandong-fao-2017.docx --extract out/extracted

test: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

# Pictures of the reports for docs/ (docs/outputs.md): each example's Word file and a filled 2021
# workbook's, printed to PDF by LibreOffice with the fontconfig aliases of the tests (Noto CJK for
# 仿宋_GB2312, 黑体, ...), at 60 dpi, and the 2021 example's web page on a phone (Chromium, 390 px).
# Needs soffice, poppler-utils and chromium (Debian: libreoffice-writer-nogui, poppler-utils,
# chromium, fonts-noto-cjk).
docs-images: $(STAMP)
	$(BIN)/python scripts/make_docs_images.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .hypothesis
