"""Where the library's data files live: inside the package (`reviewflow/data/`), so that an installed
library finds them wherever it is installed.

- `data/schemas/*.schema.yaml`: the JSON Schemas (as YAML) of the config, form, manifest, decisions
  sheets and search log; the workflow validates its config against the same file (common.smk).
- `data/report/`: the report's template and its captions.

`REPO_ROOT` and `DEFAULT_FORM` are the checkout's: config paths that are not found from the working
directory are looked up there (reviewflow.config.resolve), and the checkout's tests, benchmarks and
scripts/train_recommender.py use the default review's form. The library itself reads a review's form,
manifest and folders from its config, never from these.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
SCHEMA_DIR = DATA_DIR / "schemas"
REPORT_DIR = DATA_DIR / "report"
DEFAULT_RECOMMENDATION_MODEL = DATA_DIR / "recommendation_model.json"
# The checkout holding scripts/reviewflow/ (meaningless for an installed library; see above).
REPO_ROOT = PACKAGE_DIR.parents[1]
DEFAULT_FORM = REPO_ROOT / "extraction_forms" / "macy_johns_2011.yaml"


def schema_path(name: str) -> Path:
    """Path of a JSON Schema (stored as YAML) in the package's data/schemas/."""
    return SCHEMA_DIR / f"{name}.schema.yaml"
