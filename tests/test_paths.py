"""The library's data files are package data: an installed copy of `reviewflow` (not an editable
checkout) finds its schemas and report templates, and pyproject ships every data file."""

from __future__ import annotations

import fnmatch
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from reviewflow import paths

REPO = Path(__file__).resolve().parents[1]


def test_schemas_and_report_templates_live_in_the_package() -> None:
    for directory in (paths.SCHEMA_DIR, paths.REPORT_DIR):
        assert directory.is_relative_to(paths.PACKAGE_DIR) and directory.is_dir()
    for name in ("config", "form", "manifest", "decisions", "search_log"):
        assert paths.schema_path(name).is_file(), name
    assert (paths.REPORT_DIR / "report.html.j2").is_file()
    # one copy: the workflow keeps none of its own
    assert not (REPO / "workflow" / "schemas").exists() and not (REPO / "workflow" / "report").exists()


def test_pyproject_ships_every_data_file() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["reviewflow"]
    for path in sorted((paths.DATA_DIR).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            relative = path.relative_to(paths.PACKAGE_DIR).as_posix()
            assert any(
                fnmatch.fnmatch(relative, pattern) and relative.count("/") == pattern.count("/") for pattern in patterns
            ), f"{relative} is not package data in pyproject.toml"


def test_an_installed_copy_outside_the_checkout_validates_and_renders(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(paths.PACKAGE_DIR, site / "reviewflow", ignore=shutil.ignore_patterns("__pycache__"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = """
from jinja2 import Environment, FileSystemLoader
from reviewflow import paths
from reviewflow.config import check_config
from reviewflow.corpus.manifest import allowed_values
from reviewflow.report.html_report import TEMPLATE_DIR
assert paths.SCHEMA_DIR.is_relative_to(paths.PACKAGE_DIR), paths.SCHEMA_DIR
check_config({"corpus_dir": "c", "manifest": "m", "search_log": "s", "decisions_dir": "d", "form": "f",
              "ingest": {"max_pages": 1}, "coding": {}, "synthesis": {}}, "config.yaml")
assert "journal_article" in allowed_values("doc_type")
Environment(loader=FileSystemLoader(TEMPLATE_DIR)).get_template("report.html.j2")
print(paths.PACKAGE_DIR)
"""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(site), "PATH": ""},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(site / "reviewflow")
