# Two entry points: `make run` (set up + run the default corpus) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORES ?= all

.PHONY: run test lint bench clean clean-all surrogates readme model

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found; install Python 3.11 or run 'make PYTHON=/path/to/python3.11'"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever the pinned dependencies change.
$(STAMP): $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/snakemake --cores $(CORES) --profile workflow/profiles/default

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/snakemake --lint

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

# Rebuilds the learned recommendation scorer from the hand-coded real texts in ../shared/texts
# (byte-identical for the same texts, gold and form; tests/test_recommender.py checks that).
model: $(STAMP)
	$(BIN)/python scripts/train_recommender.py

surrogates: $(STAMP)
	$(BIN)/python scripts/render_surrogates.py

# Rewrites README.md's generated blocks (Table 1, citation network) from the default corpus's results/.
readme: run
	$(BIN)/python scripts/update_readme.py

# Removes generated results but keeps results/history/ (the run snapshots behind results/changes.md).
clean:
	find results -mindepth 1 -maxdepth 1 ! -name history -exec rm -rf {} + 2>/dev/null || true
	rm -rf logs

# Removes everything generated, including the run history.
clean-all:
	rm -rf results logs .snakemake
