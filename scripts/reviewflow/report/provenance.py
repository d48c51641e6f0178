"""What produced a run: versions, commit, configuration and form hash, for the report."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from reviewflow import __version__

STACK = (
    "snakemake",
    "pandas",
    "spacy",
    "spacy-lookups-data",
    "pdfplumber",
    "networkx",
    "matplotlib",
    "rapidfuzz",
    "bibtexparser",
    "rispy",
    "jsonschema",
    "openpyxl",
    "jinja2",
    "scikit-learn",
    "reportlab",
    "beautifulsoup4",
    "wordllama",
)


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def git_commit(repo: str | Path) -> str:
    try:
        result = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return "not a git checkout"
    if result.returncode != 0:
        return "not a git checkout"
    dirty = subprocess.run(
        ["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    ).stdout.strip()
    return result.stdout.strip() + (" (with uncommitted changes)" if dirty else "")


def run_date() -> str:
    """UTC date of the run; SOURCE_DATE_EPOCH (reproducible-builds convention) fixes it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    try:
        moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    except (ValueError, OverflowError, OSError):
        # A typo must not cost the report; say what was ignored where the date is shown.
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        return f"{now} (SOURCE_DATE_EPOCH={epoch!r} ignored: not whole seconds since 1970)"
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def package_versions(names: tuple[str, ...] = STACK) -> dict[str, str]:
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def recommendation_model(path: str | Path | None) -> dict[str, Any]:
    """What the learned scorer is and what it was trained on (empty when the rules decide alone)."""
    if not path:
        return {}
    from reviewflow.coding.recommender import load_model

    model = load_model(path)
    trained_on = [
        f"{t['text']} ({t['segments']} segments, gold sha256 {str(t['gold_sha256'])[:12]})"
        for t in model.meta.get("trained_on") or []
    ]
    return {
        "path": str(path),
        "digest": model.digest,
        "examples": model.meta.get("n_examples", len(model.examples)),
        "decisions": model.meta.get("n_decisions", 0),
        "trained_on": trained_on,
        "version": model.meta.get("reviewflow_version", ""),
        "how": model.meta.get("how", ""),
    }


def collect(config: dict[str, Any], form_path: str | Path, repo: str | Path) -> dict[str, Any]:
    return {
        "recommendation_model": recommendation_model((config.get("coding") or {}).get("recommendation_model")),
        "reviewflow_version": __version__,
        "git_commit": git_commit(repo),
        "config_yaml": yaml.safe_dump(config, sort_keys=True, allow_unicode=True),
        "form_path": str(form_path),
        "form_sha256": file_sha256(form_path),
        "packages": package_versions(),
        "run_date": run_date(),
    }
