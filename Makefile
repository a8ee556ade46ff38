# Two commands do all the set-up on a fresh machine:
#   make run   - install, import the bundled sample, score it (in the background) and serve the dashboard
#   make test  - install the test extras (and headless Chromium) and run the whole suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MONITOR := $(BIN)/monitor
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test install install-test servers lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch is pinned to the CPU wheel: an open range would pull a multi-GB CUDA build.
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# The servers the tests use, from Debian: chromium + chromium-driver for the browser tests
# (test tools' own browser downloads fail here) and postgresql, of which the tests start
# a throwaway cluster on loopback; poppler-utils to check the report PDFs.
servers:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
		|| ! command -v pdftoppm >/dev/null || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
			chromium chromium-driver postgresql poppler-utils >/dev/null; \
	fi

run: install
	$(MONITOR) collect --source sample
	@echo "scoring in the background; the dashboard fills in as scores arrive"
	$(MONITOR) score & $(MONITOR) serve

test: install-test servers
	$(BIN)/python -m pytest -q

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install-test
	$(BIN)/python bench/ingest.py --rows 200000

clean:
	rm -rf $(VENV) data/monitor.db* .pytest_cache
