"""The review a run or a command works on: one workflow config file (config/config.yaml is the default
review's; another review is another config, e.g. config/muraya_fry_2015.yaml).

The workflow and every CLI command read the same file with the same schema
(reviewflow/data/schemas/config.schema.yaml, package data) and the same defaults, so a command given `--config` honours that
review's form, manifest, decisions folder and results folder. Paths in a config are relative to the
working directory, as Snakemake reads them (the repository root), else to the repository.

A results folder belongs to one review: the first run writes ``.review.json`` there naming its manifest,
and a run or command of another review that would write into it is refused (two reviews sharing
``results/`` overwrote each other's tables and mixed their history).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from reviewflow.errors import ReviewflowError
from reviewflow.paths import REPO_ROOT, schema_path

DEFAULT_CONFIG = Path("config") / "config.yaml"
DEFAULT_RESULTS_DIR = "results"  # the schema's default, for a config read as written (refit)
OWNER_FILE = ".review.json"


@dataclass(frozen=True)
class ReviewConfig:
    """The paths of one review, resolved; ``values`` is the whole validated config with its defaults."""

    path: Path
    corpus_dir: Path
    manifest: Path
    search_log: Path
    decisions_dir: Path
    form: Path
    results_dir: Path
    recommendation_model: Path | None  # None: the rules alone decide
    values: Mapping[str, Any]


def resolve(value: str | Path) -> Path:
    """A path of the config: relative to the working directory, as Snakemake reads it, else to the
    repository (a command run from elsewhere with the repository's config)."""
    path = Path(value)
    if not path.is_absolute() and not path.exists() and (REPO_ROOT / path).exists():
        return REPO_ROOT / path
    return path


def default_config_path() -> Path:
    return resolve(DEFAULT_CONFIG)


def read_config(path: str | Path) -> dict[str, Any]:
    """The config file as a mapping, unvalidated; one clear error when it is missing or not YAML."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as handle:
            config = yaml.safe_load(handle)
    except FileNotFoundError:
        raise ReviewflowError(
            f"{path}: config not found. Fix: pass --config with the review's config file "
            f"({DEFAULT_CONFIG} is the default review's)."
        ) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ReviewflowError(f"{path}: not readable YAML ({error}). Fix: correct the file.") from None
    if not isinstance(config, dict):
        raise ReviewflowError(f"{path}: not a config mapping. Fix: use {DEFAULT_CONFIG} as the template.")
    return config


def _with_defaults(schema: Mapping[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Fill the schema's `default`s into ``values`` (nested objects included), as Snakemake's
    validate(set_default=True) does for the workflow."""
    for key, spec in (schema.get("properties") or {}).items():
        if key not in values and "default" in spec:
            values[key] = spec["default"]
        if isinstance(values.get(key), dict) and spec.get("type") == "object":
            _with_defaults(spec, values[key])
    return values


def check_config(values: Mapping[str, Any], source: str | Path) -> dict[str, Any]:
    """The config validated against the workflow's schema, defaults filled; every problem listed."""
    import jsonschema

    schema = yaml.safe_load(schema_path("config").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    problems = sorted(validator.iter_errors(dict(values)), key=lambda e: list(map(str, e.absolute_path)))
    if problems:
        listed = "\n".join(f"  - {'/'.join(map(str, e.absolute_path)) or '(top level)'}: {e.message}" for e in problems)
        raise ReviewflowError(
            f"{source}: the config has {len(problems)} problem(s):\n{listed}\n"
            f"Fix: correct them ({schema_path('config')} says what each key takes)."
        )
    return _with_defaults(schema, json.loads(json.dumps(values)))


def load_config(path: str | Path | None = None) -> ReviewConfig:
    """Read, validate and resolve a review's config (``None``: the default review's)."""
    config_path = Path(path) if path is not None else default_config_path()
    values = check_config(read_config(config_path), config_path)
    model = str(values["coding"].get("recommendation_model", "")).strip()
    return ReviewConfig(
        path=config_path,
        corpus_dir=resolve(values["corpus_dir"]),
        manifest=resolve(values["manifest"]),
        search_log=resolve(values["search_log"]),
        decisions_dir=resolve(values["decisions_dir"]),
        form=resolve(values["form"]),
        results_dir=resolve(values["results_dir"]),
        recommendation_model=resolve(model) if model else None,
        values=values,
    )


# --- which review a results folder belongs to --------------------------------------------------------


def _owner_record(manifest: str | Path) -> dict[str, str]:
    return {"manifest": Path(manifest).as_posix()}


def check_results_owner(results_dir: str | Path, manifest: str | Path) -> None:
    """Refuse a results folder that holds another review's results (its ``.review.json`` names
    another manifest); a folder without the file is anyone's."""
    owner_file = Path(results_dir) / OWNER_FILE
    try:
        owner = json.loads(owner_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except (OSError, ValueError):
        raise ReviewflowError(
            f"{owner_file}: not readable JSON. Fix: delete it; the next run writes it again."
        ) from None
    theirs = str((owner or {}).get("manifest", "")) if isinstance(owner, dict) else ""
    if theirs and theirs != _owner_record(manifest)["manifest"]:
        raise ReviewflowError(
            f"{results_dir}: holds the results of another review (manifest {theirs}); this review's manifest is "
            f"{Path(manifest).as_posix()}, and its run would overwrite them. Fix: set results_dir in this review's "
            f"config to a folder of its own (e.g. results_<review id>); if the manifest only moved, edit "
            f"{owner_file}."
        )


def claim_results_dir(results_dir: str | Path, manifest: str | Path) -> None:
    """Mark a results folder as this review's (after `check_results_owner` passed)."""
    check_results_owner(results_dir, manifest)
    owner_file = Path(results_dir) / OWNER_FILE
    record = json.dumps(_owner_record(manifest), indent=2) + "\n"
    if owner_file.is_file() and owner_file.read_text(encoding="utf-8") == record:
        return
    owner_file.parent.mkdir(parents=True, exist_ok=True)
    owner_file.write_text(record, encoding="utf-8")
