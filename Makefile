# inspection-analysis: every target sets up .venv from the pinned, hashed locks first (idempotent).
# Only Python 3.11+ and make are needed on a fresh machine. The system Python makes .venv and
# installs uv into it with pip (requirements-uv.lock); uv then installs the rest:
#   requirements-report.lock  what the report and the notebooks need (make setup, report, synth, bench)
#   requirements-lab.lock     the same plus JupyterLab (make lab)
#   requirements-test.lock    the same as lab plus the test tools (make test, e2e)
# uv is run through tools/run_uv.py, which gives it the package indexes pip is configured with.
# `make locks` rewrites every lock and environment.yml after a change to pyproject.toml.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
UV     := $(PY) tools/run_uv.py
UV_STAMP     := $(VENV)/.uv-installed
REPORT_STAMP := $(VENV)/.report-installed
LAB_STAMP    := $(VENV)/.lab-installed
TEST_STAMP   := $(VENV)/.test-installed
SPARK_STAMP  := $(VENV)/.spark-installed
UV_INSTALL   := $(UV) pip install --quiet --python $(PY) --require-hashes --no-deps
# uv does not compile modules to bytecode as it installs (pip does, which is much of its time):
# Python compiles each module the first time it is imported and keeps the result. Where
# PYTHONDONTWRITEBYTECODE is set it would compile every module it imports on every run instead,
# so the venv's Python is told to keep bytecode anyway: one line in a .pth file, which Python
# runs at start-up (the venv is the project's own folder).
KEEP_BYTECODE := import sys; sys.dont_write_bytecode = False

.DEFAULT_GOAL := help

.PHONY: help setup setup-lab setup-test report test spark-test e2e lab synth bench locks clean

help: ## List the targets
	@echo "inspection-analysis: make TARGET"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-zA-Z0-9_-]*:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(PY):
	@$(PYTHON) -m venv $(VENV)

# Reinstall only when a lock or the project metadata changed.
$(UV_STAMP): requirements-uv.lock | $(PY)
	@$(PY) -m pip install --quiet --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-uv.lock
	@echo "$(KEEP_BYTECODE)" > "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/keep-bytecode.pth"
	@touch $@

$(REPORT_STAMP): requirements-report.lock pyproject.toml $(UV_STAMP)
	@echo "installing requirements-report.lock into $(VENV) with uv"
	@$(UV_INSTALL) -r requirements-report.lock
	@$(UV) pip install --quiet --python $(PY) --no-deps --no-build-isolation -e .
	@touch $@

$(LAB_STAMP): requirements-lab.lock $(REPORT_STAMP)
	@echo "installing requirements-lab.lock into $(VENV) with uv"
	@$(UV_INSTALL) -r requirements-lab.lock
	@touch $@

$(TEST_STAMP): requirements-test.lock $(REPORT_STAMP)
	@echo "installing requirements-test.lock into $(VENV) with uv"
	@$(UV_INSTALL) -r requirements-test.lock
	@touch $@

setup: $(REPORT_STAMP) ## Create .venv with what the report and notebooks need, and the package (editable)

setup-lab: $(LAB_STAMP) ## The same plus JupyterLab

setup-test: $(TEST_STAMP) ## The same plus JupyterLab and the test tools

report: setup ## Run the main job on the shipped data: figures/, reports/ and the verdict
	@$(BIN)/inspection-analysis report

test: setup-test ## Run the layer contracts (import-linter) and the whole test suite (unit, doctests, notebooks)
	$(BIN)/lint-imports
	$(BIN)/pytest -m "not e2e"

# pyspark (about 400 MB) has a lock of its own, installed only by spark-test, never by setup, test or report.
$(SPARK_STAMP): requirements-spark.lock $(TEST_STAMP)
	@echo "installing requirements-spark.lock into $(VENV) with uv"
	@$(UV_INSTALL) -r requirements-spark.lock
	@touch $@

spark-test: $(SPARK_STAMP) ## The Spark tests on a real local Spark (installs Java with apt and pyspark from its lock if missing)
	@command -v java >/dev/null 2>&1 || { apt-get -o DPkg::Lock::Timeout=900 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq openjdk-17-jre-headless >/dev/null; }
	$(BIN)/pytest -m spark

e2e: setup-test ## End-to-end test: JupyterLab in headless Chromium (installs Chromium with apt if missing)
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }
	$(BIN)/pytest -m e2e tests/e2e

lab: setup-lab ## Open JupyterLab on the notebooks with the project's kernel
	$(BIN)/jupyter lab notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

synth: setup ## Regenerate the synthetic case-level samples in data/synthetic/
	$(BIN)/inspection-analysis synth

bench: setup ## Run every benchmark and print target lines
	@for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# After adding or changing a package in pyproject.toml: re-resolve every lock (other pins are kept;
# UPGRADE="--upgrade-package NAME" moves one) and rewrite environment.yml to match.
locks: $(UV_STAMP) ## Rewrite the requirements-*.lock files and environment.yml from pyproject.toml
	@$(PY) tools/locks.py $(UPGRADE)

clean: ## Remove generated outputs (figures/, reports/) but never data
	rm -rf figures/*.png figures/*.svg figures/*.csv figures/*.txt reports/
