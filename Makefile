# inspection-analysis: every target sets up .venv from the pinned lock first (idempotent).
# Only Python 3.11+ and make are needed on a fresh machine.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.spark-installed
PY     := $(BIN)/python

.DEFAULT_GOAL := help

.PHONY: help setup report test spark-test e2e lab synth bench clean

help: ## List the targets
	@echo "inspection-analysis: make TARGET"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-zA-Z_-]*:.*## / {printf "  %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the lock or the project metadata changed.
$(STAMP): requirements.lock pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv and install the pinned lock and the package (editable)

report: setup ## Run the main job on the shipped data: figures/, reports/ and the verdict
	$(BIN)/inspection-analysis report

test: setup ## Run the layer contracts (import-linter) and the whole test suite (unit, doctests, notebooks)
	$(BIN)/lint-imports
	$(BIN)/pytest -m "not e2e"

# pyspark (about 400 MB) has a lock of its own, installed only by spark-test, never by setup, test or report.
$(SPARK_STAMP): requirements-spark.lock | $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-spark.lock
	@touch $(SPARK_STAMP)

spark-test: setup $(SPARK_STAMP) ## The Spark tests on a real local Spark (installs Java with apt and pyspark from its lock if missing)
	@command -v java >/dev/null 2>&1 || { apt-get -o DPkg::Lock::Timeout=900 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq openjdk-17-jre-headless >/dev/null; }
	$(BIN)/pytest -m spark

e2e: setup ## End-to-end test: JupyterLab in headless Chromium (installs Chromium with apt if missing)
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }
	$(BIN)/pytest -m e2e tests/e2e

lab: setup ## Open JupyterLab on the notebooks with the project's kernel
	$(BIN)/jupyter lab notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

synth: setup ## Regenerate the synthetic case-level samples in data/synthetic/
	$(BIN)/inspection-analysis synth

bench: setup ## Run every benchmark and print target lines
	@for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean: ## Remove generated outputs (figures/, reports/) but never data
	rm -rf figures/*.png figures/*.svg figures/*.csv figures/*.txt reports/
