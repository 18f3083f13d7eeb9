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

# Pictures of the Word output for docs/ (docs/outputs.md): each example's docx printed to PDF by
# LibreOffice with the fontconfig aliases of the tests (Noto CJK for 仿宋_GB2312, 黑体, ...),
# page 1 and, for the 2021 example, the page where table 三 starts, at 60 dpi (about 100 KB each).
# Needs soffice and pdftoppm (Debian: libreoffice-writer-nogui, poppler-utils, fonts-noto-cjk).
SOFFICE       ?= soffice
DOCS_EXAMPLES  = gov-disclosure-2017:shandong-fao-2017 gov-disclosure-2021:county-dept-2021 gov-disclosure-2019:city-gov-2019
TABLE3_ROW     = 一、本年新收政府信息公开申请数量

docs-images: $(STAMP)
	@set -eu; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	for pair in $(DOCS_EXAMPLES); do \
	  $(BIN)/baobiao render $${pair%%:*} examples/$${pair#*:}.yaml --to docx --out "$$tmp" 2>/dev/null; \
	done; \
	FONTCONFIG_FILE="$(CURDIR)/tests/fontconfig/fonts.conf" $(SOFFICE) \
	  -env:UserInstallation="file://$$tmp/lo-profile" --headless --norestore --nolockcheck \
	  --convert-to pdf --outdir "$$tmp" "$$tmp"/*.docx >/dev/null 2>&1 || true; \
	page() { pdftoppm -r 60 -png -f "$$2" -l "$$2" -singlefile "$$tmp/$$1.pdf" "docs/$$3"; echo "docs/$$3.png"; }; \
	for pair in $(DOCS_EXAMPLES); do \
	  name=$${pair#*:}; \
	  test -s "$$tmp/$$name.pdf" || { echo "LibreOffice wrote no $$name.pdf" >&2; exit 1; }; \
	  page "$$name" 1 "$$name-p1"; \
	done; \
	pages=$$(pdfinfo "$$tmp/county-dept-2021.pdf" | sed -n 's/^Pages: *//p'); \
	for n in $$(seq 1 "$$pages"); do \
	  if pdftotext -f "$$n" -l "$$n" "$$tmp/county-dept-2021.pdf" - | tr -d ' \n' | grep -q '$(TABLE3_ROW)'; then \
	    page county-dept-2021 "$$n" county-dept-2021-table3; exit 0; \
	  fi; \
	done; \
	echo "no page of county-dept-2021.pdf shows table 三" >&2; exit 1

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .hypothesis
