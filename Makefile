# phimask — the two commands of the quick start are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# sam build needs the Lambda runtime's Python on PATH; pyenv provides 3.12 beside 3.11.
export PYENV_VERSION ?= 3.11.7:3.12.1:3.13.0

.PHONY: run test lint typecheck cfn pytest bench clean lexicons prefilter

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11+" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml | system-deps
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.dev-installed: $(BIN)/python pyproject.toml | system-deps
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

## system-deps: Tesseract OCR for the embedded image OCR (apt-get, when missing); the optional
## medical spelling dictionary the text detector reads when present (hunspell-en-med)
MEDICAL_DIC := /usr/share/hunspell/en_med_glut.dic
.PHONY: system-deps
system-deps:
	@command -v tesseract >/dev/null 2>&1 || { \
	  command -v apt-get >/dev/null 2>&1 || { echo "error: tesseract-ocr is missing and apt-get is not available: install Tesseract 4+ (with English data) with your package manager" >&2; exit 1; }; \
	  [ "$$(id -u)" = 0 ] || { echo "error: tesseract-ocr is missing: run 'sudo make system-deps' (or sudo apt-get install -y tesseract-ocr)" >&2; exit 1; }; \
	  apt-get update && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng; }
	@[ -f $(MEDICAL_DIC) ] || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get install -y --no-install-recommends hunspell-en-med >/dev/null 2>&1 || \
	    { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends hunspell-en-med >/dev/null 2>&1; } || \
	    echo "note: hunspell-en-med could not be installed; the detector runs without a medical dictionary (lower precision on clinical notes)" >&2; \
	  else echo "note: optional medical dictionary missing: sudo apt-get install hunspell-en-med (higher precision on clinical notes)" >&2; fi; }

## run: the main job offline on the bundled sample note and image
run: $(VENV)/.installed
	$(BIN)/phimask demo

## test: lint, type check, template checks, sam build, pytest
test: $(VENV)/.dev-installed lint typecheck cfn pytest

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests functions bench scripts

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

cfn: $(VENV)/.dev-installed
	$(BIN)/cfn-lint template.yaml
	$(BIN)/sam validate --lint --template template.yaml
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/sam build --template template.yaml --build-dir .aws-sam/build

pytest: $(VENV)/.dev-installed
	$(BIN)/pytest -q

## bench: detector (with Presidio), allow-list, de-identification and server load figures.
## Presidio runs from its own venv: spaCy needs a newer click than aws-sam-cli allows.
BENCH_VENV := .venv-bench
$(BENCH_VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11+" >&2; exit 1; }
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/pip install --quiet -e '.[bench]'
	@touch $@

bench: $(VENV)/.dev-installed $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python bench/detector.py
	$(BENCH_VENV)/bin/python bench/detector.py --long-note 5
	$(BENCH_VENV)/bin/python bench/detector.py --worst-case
	$(BIN)/python bench/value_probe.py
	$(BIN)/python bench/allowlist.py
	$(BIN)/python bench/deid.py --skip-aws
	$(BIN)/python bench/load.py

## bench-images: image redaction figures on ../shared/eval/images (when present)
.PHONY: bench-images annex-e
bench-images: $(VENV)/.dev-installed
	$(BIN)/python bench/images.py
	$(BIN)/python bench/image_report.py

## annex-e: rebuild the DICOM PS3.15 Annex E table shipped in src/phimask/image/data
annex-e: $(VENV)/.dev-installed
	$(BIN)/pip install --quiet -e '.[annex-e]'
	$(BIN)/python scripts/build_annex_e.py

## prefilter: rebuild the prefilter's table of regex checks after changing a detector regex
prefilter: $(VENV)/.dev-installed
	$(BIN)/python scripts/build_prefilter.py

## lexicons: rebuild the detector's shipped word lists from their source packages
lexicons: $(VENV)/.dev-installed
	@test -f /usr/share/dict/american-english-large || apt-get install -y wamerican-large
	$(BIN)/pip install --quiet -e '.[lexicons]'
	$(BIN)/python scripts/build_lexicons.py

clean:
	rm -rf $(VENV) $(BENCH_VENV) .aws-sam .pytest_cache .mypy_cache .ruff_cache
