"""Where the project's data files live, found from the installed library."""

from __future__ import annotations

from pathlib import Path

# scripts/reviewflow/paths.py -> repository root is two levels above the package.
PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parents[1]
SCHEMA_DIR = REPO_ROOT / "workflow" / "schemas"
DEFAULT_MANIFEST = REPO_ROOT / "corpus" / "manifest.csv"
DEFAULT_FORM = REPO_ROOT / "extraction_forms" / "macy_johns_2011.yaml"
DEFAULT_RECOMMENDATION_MODEL = PACKAGE_DIR / "data" / "recommendation_model.json"


def schema_path(name: str) -> Path:
    """Path of a JSON Schema (stored as YAML) in workflow/schemas/."""
    return SCHEMA_DIR / f"{name}.schema.yaml"
