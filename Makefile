# Two entry points: `make run` (set up + run the default corpus) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORES ?= all
# The review to run: its config names its corpus, form and results folder (`make run CONFIG=...`).
CONFIG ?= config/config.yaml
# Read from the config only where needed (clean): the review's results folder.
RESULTS_DIR = $(shell $(BIN)/python -c "import sys; sys.path.insert(0, 'scripts'); from reviewflow.config import load_config; print(load_config('$(CONFIG)').values['results_dir'])")

.PHONY: run test lint format bench fuzz clean clean-all surrogates readme model cluster-test

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found; install Python 3.11 or run 'make PYTHON=/path/to/python3.11'"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever the pinned dependencies change.
$(STAMP): $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test]'
	touch $(STAMP)

# --replace-workflow-config: the run uses CONFIG alone, not CONFIG on top of the default review's.
# stale_lock.py first: a killed run's lock is removed (only when no other run works here).
SNAKEMAKE_RUN = $(BIN)/snakemake --profile workflow/profiles/default --configfile $(CONFIG) --replace-workflow-config
run: $(STAMP)
	@$(BIN)/python scripts/stale_lock.py $(SNAKEMAKE_RUN)
	$(SNAKEMAKE_RUN) --cores $(CORES)

# The linters first (fast), then the tests. ruff, mypy and their stubs come pinned from the test extra.
test: lint
	$(BIN)/python -m pytest --durations=15

# ruff (rules and format in pyproject.toml) on all Python files, mypy on the library, Snakemake's own lint.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/snakemake --lint

# Rewrites the Python files in the project's style ([tool.ruff.format]); `make lint` checks it.
format: $(STAMP)
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

# A bounded, seeded fuzz run of every input reader (a few minutes on 2 cores): cases, crashes and hangs
# per kind; crashing or hanging inputs are saved under bench/out/fuzz/<kind>/. Options: FUZZ_ARGS="--cases 10000".
fuzz: $(STAMP)
	PYTHONPATH=scripts $(BIN)/python bench/fuzz.py $(FUZZ_ARGS)

# The workflow on a real one-node SLURM cluster started on this machine (slurmctld + slurmd + munge,
# installed with apt-get where root may), with workflow/profiles/slurm, checked byte for byte against a
# local run; exits 77 with the reason where it cannot run. A few minutes; not part of `make test`.
cluster-test: $(STAMP)
	scripts/cluster_test.sh

# Rebuilds the learned recommendation scorer from the hand-coded real texts in ../shared/texts
# (byte-identical for the same texts, gold and form; tests/test_recommender.py checks that).
model: $(STAMP)
	$(BIN)/python scripts/train_recommender.py

surrogates: $(STAMP)
	$(BIN)/python scripts/render_surrogates.py

# Rewrites README.md's generated blocks (Table 1, citation network) from the default corpus's results/.
readme: run
	$(BIN)/python scripts/update_readme.py

# Removes the review's generated results but keeps its history/ (the run snapshots behind changes.md)
# and the note of which review the folder belongs to.
clean: $(STAMP)
	@dir="$(RESULTS_DIR)"; [ -n "$$dir" ] || exit 1; \
	find "$$dir" -mindepth 1 -maxdepth 1 ! -name history ! -name .review.json -exec rm -rf {} + 2>/dev/null || true

# Removes everything generated for the review, including its run history.
clean-all: $(STAMP)
	@dir="$(RESULTS_DIR)"; [ -n "$$dir" ] || exit 1; rm -rf "$$dir"
