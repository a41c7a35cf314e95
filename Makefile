# Muster: `make demo` and `make test` work on a fresh machine; they build .venv themselves.
PYTHON ?= python3.11
TOOLS  := .tools
UV     := $(TOOLS)/bin/uv
VENV   := .venv
RUN    := $(UV) run --frozen --no-sync
# Tests run on every core (pytest-xdist); tests sharing a module's world stay on one worker
# (tests/conftest.py). `make test TEST_WORKERS=0` runs them in this one process.
TEST_WORKERS ?= auto
PYTEST := $(RUN) pytest -q -n $(TEST_WORKERS) --dist loadgroup
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: demo test lint typecheck unit bench serve clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==0.13.9

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON) --all-extras
	touch $@

demo: $(VENV)/.synced
	$(RUN) muster demo

serve: $(VENV)/.synced
	$(RUN) muster serve

lint: $(VENV)/.synced
	$(RUN) ruff check src tests bench
	$(RUN) ruff format --check src tests bench

typecheck: $(VENV)/.synced
	$(RUN) mypy --strict src

test: lint typecheck
	$(PYTEST)

unit: $(VENV)/.synced
	$(PYTEST) tests/unit

bench: $(VENV)/.synced
	$(RUN) python bench/intake.py --quick
	$(RUN) python bench/linkage.py --quick
	$(RUN) python bench/planning.py --quick
	$(RUN) python bench/planning_both.py --sizes small
	$(RUN) python bench/completeness.py
	$(RUN) python bench/cli_start.py --repeat 5

clean:
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache .pytest_cache
