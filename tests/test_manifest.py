from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

from reviewflow.manifest import COLUMNS, ManifestError, load_manifest, read_rows, write_rows


def _row(**overrides: str) -> dict[str, str]:
    row = dict(doc_id="smith2009", citation="Smith et al., 2009", authors="Smith, J.; Jones, K.", year="2009",
               year_suffix="", title="A report", container="Agency", doi="", doc_type="government_report",
               search_strategy="internet", file="documents/smith2009.txt", surrogate="false",
               verified="true", notes="")
    row.update(overrides)
    return row


def _corpus(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    (tmp_path / "documents").mkdir()
    for row in rows:
        if row["file"].endswith(".txt"):
            (tmp_path / row["file"]).write_text("text", encoding="utf-8")
    path = tmp_path / "manifest.csv"
    write_rows(path, rows)
    return path


def test_valid_manifest_loads(tmp_path: Path) -> None:
    path = _corpus(tmp_path, [_row(), _row(doc_id="jones2008", file="documents/jones2008.txt", year="2008", year_suffix="a")])
    documents = load_manifest(path)
    assert [d.doc_id for d in documents] == ["smith2009", "jones2008"]
    assert documents[1].year_label == "2008a"
    assert documents[0].verified is True and documents[0].surrogate is False


def test_every_bad_row_is_reported_with_row_and_column(tmp_path: Path) -> None:
    rows = [_row(), _row(), _row(doc_id="bad1", year="20x9", doc_type="blog", file="documents/missing.pdf")]
    path = _corpus(tmp_path, rows)
    with pytest.raises(ManifestError) as caught:
        load_manifest(path)
    problems = caught.value.problems
    assert any("row 3" in p and "'doc_id'" in p and "duplicate of row 2" in p for p in problems)
    assert any("row 4" in p and "'year'" in p and "20x9" in p for p in problems)
    assert any("row 4" in p and "'doc_type'" in p for p in problems)
    assert any("row 4" in p and "'file'" in p and "does not exist" in p for p in problems)
    assert all(str(path) in p and "Fix:" in p for p in problems)


def test_missing_column_is_named(tmp_path: Path) -> None:
    path = _corpus(tmp_path, [_row()])
    rows = read_rows(path)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        columns = [c for c in COLUMNS if c != "search_strategy"]
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(ManifestError, match="column 'search_strategy': missing"):
        load_manifest(path)


def test_rewrite_keeps_researcher_columns(tmp_path: Path) -> None:
    path = _corpus(tmp_path, [_row(my_column="kept")])
    write_rows(path, read_rows(path))
    assert read_rows(path)[0]["my_column"] == "kept"


def test_default_manifest_lists_19_surrogates(repo_root: Path) -> None:
    rows = read_rows(repo_root / "corpus" / "manifest.csv")
    assert len(rows) == 19
    assert all(row["surrogate"] == "true" for row in rows)
    assert sum(row["file"].endswith(".pdf") for row in rows) >= 8


def test_rule_scripts_do_not_shadow_the_standard_library(repo_root: Path) -> None:
    # common.smk puts scripts/ first on sys.path to load the manifest; a scripts/code.py there made
    # `import pdb` (which imports the standard library's `code`) fail in every job.
    names = {path.stem for path in (repo_root / "scripts").glob("*.py")}
    assert not names & set(sys.stdlib_module_names)
