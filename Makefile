# newsgrep: `make demo` and `make test` work on a fresh machine with Python 3.10+ and make.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DEMO_INDEX := .demo-index
# Exact versions of every dependency for development and CI (`make lock` writes it); pyproject.toml
# keeps the ranges users install from.
LOCK   := requirements.lock
PIP    := $(BIN)/python -m pip install --quiet --constraint $(LOCK)
FAST   := not corpus and not cluster and not subprocess
# what the compiled core is built from: a change installs (and so compiles) again
CORE   := setup.py src/newsgrep/_core.c

.PHONY: demo test test-compiled test-pure test-fast lint golden lock bench-quick bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(LOCK) $(CORE) | $(BIN)/python
	$(PIP) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(LOCK) $(CORE) | $(BIN)/python
	$(PIP) -e '.[test]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-lint: pyproject.toml $(LOCK) $(CORE) | $(BIN)/python
	$(PIP) -e '.[test,lint]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/newsgrep index corpus --index $(DEMO_INDEX)
	$(BIN)/newsgrep search "Idlib" --index $(DEMO_INDEX)

# the whole suite, as CI runs it (.ci/run): every tier with the compiled core, then again on the
# pure-Python path (NEWSGREP_PURE_PYTHON=1) every test but those that start processes or clusters
test: test-compiled test-pure

test-compiled: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q

test-pure: $(VENV)/.installed-test
	NEWSGREP_PURE_PYTHON=1 $(BIN)/python -m pytest -q -m "not cluster and not subprocess"

# a developer's loop: library and CLI tests on small in-memory or tmp indexes (see pyproject's markers)
test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -m "$(FAST)"

# rewrite tests/golden/* from this checkout's output, after an intended change: review the diff
golden: $(VENV)/.installed-test
	$(BIN)/python tests/golden_cases.py

# resolve every dependency afresh (newsgrep, the test, lint, plot and cluster extras) into $(LOCK)
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -e '.[test,lint,plot,cluster]' matplotlib
	{ echo "# Exact versions for development and CI, made by \`make lock\` with $$(.venv-lock/bin/python -V) on" \
	       "$$(uname -sm); installed with pip's --constraint. Users install pyproject.toml's ranges."; \
	  .venv-lock/bin/python -m pip freeze --exclude-editable; } > $(LOCK)
	rm -rf .venv-lock

lint: $(VENV)/.installed-lint
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .venv-lock $(DEMO_INDEX) .pytest_cache .hypothesis .mypy_cache .ruff_cache benchmarks/_work
