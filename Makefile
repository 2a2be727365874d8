# ecograph — one command to set up and run the demo, one to run the tests.
#   make demo    set up everything (venv, Python packages, web assets, system tools) and run `ecograph demo`
#   make test    set up everything and run lint + the whole test suite (what CI runs)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.ecograph-installed

.PHONY: setup demo test lint bench clean

setup: $(STAMP)
	@bash scripts/setup_assets.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: setup
	$(BIN)/ecograph demo

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q -p no:cacheprovider

bench: setup
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info
