# make demo: fresh venv, install, build offline models, score the bundled example calls.
# make test: the test suite (what .ci/run calls).
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: install demo test test-fast models clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/vpd models setup
	touch $@

models: install
	$(BIN)/vpd models setup

demo: install
	$(BIN)/vpd score examples/calls --out out/

test: install
	$(BIN)/python -m pytest -ra

test-fast: install
	$(BIN)/python -m pytest -ra -m "not slow"

clean:
	rm -rf out/ .pytest_cache
