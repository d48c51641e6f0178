"""The corpus manifest: one row per included document, validated before any job runs."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import jsonschema

from reviewflow.fileio import atomic_write_text, csv_text, read_yaml
from reviewflow.paths import schema_path

COLUMNS: tuple[str, ...] = (
    "doc_id", "citation", "authors", "year", "year_suffix", "title", "container", "doi",
    "doc_type", "search_strategy", "file", "surrogate", "verified", "notes",
)

_FIXES = {
    "doc_id": "use lower-case letters, digits and underscores, e.g. 'smith2009'",
    "year": "write the four-digit year, e.g. 2009 (put a/b in year_suffix)",
    "year_suffix": "leave empty or write one lower-case letter",
    "doc_type": "use one of the types listed in workflow/schemas/manifest.schema.yaml",
    "search_strategy": "use database, internet, organization or expert",
    "file": "give the path relative to corpus/, ending in .pdf, .html, .htm or .txt",
    "surrogate": "write true or false",
    "verified": "write true or false",
    "doi": "write a bare DOI such as 10.1000/xyz, or leave it empty",
}


class ManifestError(ValueError):
    """Raised with every problem of a manifest, one per line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Document:
    doc_id: str
    citation: str
    authors: str
    year: str
    year_suffix: str
    title: str
    container: str
    doi: str
    doc_type: str
    search_strategy: str
    file: str
    surrogate: bool
    verified: bool
    notes: str

    @property
    def year_label(self) -> str:
        """Year with its a/b suffix, as printed in citations (``2008a``)."""
        return f"{self.year}{self.year_suffix}"


def read_rows(path: str | Path) -> list[dict[str, str]]:
    """Read the manifest as raw strings; missing optional columns become empty strings."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = []
        for raw in reader:
            row = {key.strip(): (value or "").strip() for key, value in raw.items() if key is not None}
            for optional in ("year_suffix", "doi"):
                row.setdefault(optional, "")
            rows.append(row)
    return rows


def validate_rows(rows: list[dict[str, str]], manifest_path: str | Path, corpus_dir: str | Path | None = None) -> list[str]:
    """Every problem of the manifest, one message each naming the row (as in a spreadsheet) and column."""
    manifest_path = Path(manifest_path)
    corpus_dir = Path(corpus_dir) if corpus_dir is not None else manifest_path.parent
    validator = jsonschema.Draft202012Validator(read_yaml(schema_path("manifest")))
    problems: list[str] = []
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        line = index + 2  # header is line 1
        where = f"{manifest_path}: row {line} (doc_id '{row.get('doc_id', '')}')"
        for error in sorted(validator.iter_errors(row), key=lambda e: (list(e.path), e.message)):
            if error.validator == "required":
                column = error.message.split("'")[1]
                problems.append(f"{where}, column '{column}': missing. Fix: add the column '{column}' to the header.")
                continue
            column = str(error.path[0]) if error.path else "?"
            value = row.get(column, "")
            fix = _FIXES.get(column, "correct the value")
            problems.append(f"{where}, column '{column}': invalid value {value!r}. Fix: {fix}.")
        doc_id = row.get("doc_id", "")
        if doc_id in seen:
            problems.append(f"{where}, column 'doc_id': duplicate of row {seen[doc_id]}. Fix: give each document its own doc_id.")
        elif doc_id:
            seen[doc_id] = line
        file = row.get("file", "")
        if file and not (corpus_dir / file).is_file():
            problems.append(f"{where}, column 'file': {corpus_dir / file} does not exist. Fix: put the document there or correct the path.")
    return problems


def load_manifest(path: str | Path, corpus_dir: str | Path | None = None) -> list[Document]:
    """Read and validate the manifest; raise ManifestError listing every problem."""
    path = Path(path)
    if not path.is_file():
        raise ManifestError([f"{path}: manifest not found. Fix: create it (see README, 'Adding literature')."])
    rows = read_rows(path)
    problems = validate_rows(rows, path, corpus_dir)
    if problems:
        raise ManifestError(problems)
    return [
        Document(**{**{c: row.get(c, "") for c in COLUMNS},
                    "surrogate": row["surrogate"] == "true", "verified": row["verified"] == "true"})
        for row in rows
    ]


def write_rows(path: str | Path, rows: list[dict[str, str]]) -> None:
    """Rewrite the manifest atomically, keeping any extra columns a researcher added."""
    extra = sorted({key for row in rows for key in row} - set(COLUMNS))
    atomic_write_text(path, csv_text(rows, [*COLUMNS, *extra], neutralize=False))
