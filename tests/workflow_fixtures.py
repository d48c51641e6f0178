"""The default review run end to end once per test session, shared by the modules that need a finished
run (test_workflow, test_two_reviews): a copy of the workflow with the default corpus and a broken PDF."""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")
COPY = ["Snakefile", "workflow", "scripts", "extraction_forms", "config"]
SHARED = REPO.parent / "shared"
PER_DOCUMENT_RULES = {"ingest", "code", "references"}


def digest(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """sha256 of every file under ``folder`` (by relative path), files under a folder named in ``skip`` aside."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not set(skip) & set(p.relative_to(folder).parts)
    }


def run_snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([SNAKEMAKE, *args], cwd=workdir, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}")
    return result


def make_workdir(tmp: Path, doc_ids: list[str] | None = None) -> Path:
    """A copy of the workflow with the default corpus (or the listed documents) and a broken PDF."""
    work = tmp / "review"
    work.mkdir()
    for name in COPY:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, work / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(REPO / name, work / name)
    (work / "corpus" / "documents").mkdir(parents=True)
    (work / "corpus" / "decisions").mkdir()
    shutil.copy2(REPO / "corpus" / "search_log.yaml", work / "corpus" / "search_log.yaml")
    with open(REPO / "corpus" / "manifest.csv", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames
        rows = [row for row in reader if doc_ids is None or row["doc_id"] in doc_ids]
    for row in rows:
        shutil.copy2(REPO / "corpus" / row["file"], work / "corpus" / row["file"])
    # A corrupt PDF: the run must go on and report it.
    (work / "corpus" / "documents" / "broken2010.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<\n% truncated")
    broken = dict(
        rows[0],
        doc_id="broken2010",
        citation="Broken, 2010",
        authors="Broken, B.",
        year="2010",
        year_suffix="",
        title="A damaged file",
        file="documents/broken2010.pdf",
        surrogate="false",
        verified="false",
        notes="test fixture: a truncated PDF",
    )
    with open(work / "corpus" / "manifest.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows([*rows, broken])
    return work


@pytest.fixture(scope="session")
def finished_default_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default review, run once. Tests that change it work on a copy, except test_workflow's
    incrementality test, which only adds a manifest row and dry-runs."""
    work = make_workdir(tmp_path_factory.mktemp("e2e"))
    run_snakemake(work, "--cores", "2", "--profile", "workflow/profiles/default")
    return work
