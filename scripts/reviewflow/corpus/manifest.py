"""The corpus manifest: one row per included document, validated before any job runs."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from reviewflow.errors import ReviewflowError
from reviewflow.fileio import (
    atomic_write_bytes,
    atomic_write_text,
    csv_error_message,
    csv_text,
    read_utf8_text,
    read_yaml,
)
from reviewflow.ingest import readers
from reviewflow.paths import schema_path

COLUMNS: tuple[str, ...] = (
    "doc_id",
    "citation",
    "authors",
    "year",
    "year_suffix",
    "title",
    "container",
    "doi",
    "doc_type",
    "search_strategy",
    "file",
    "surrogate",
    "verified",
    "notes",
)

_FIXES = {
    "doc_id": "use lower-case letters, digits and underscores, e.g. 'smith2009'",
    "year": "write the four-digit year, e.g. 2009 (put a/b in year_suffix)",
    "year_suffix": "leave empty or write one lower-case letter",
    "file": "give the path relative to the corpus folder (not starting with / or \\)",
    "doi": "write a bare DOI such as 10.1000/xyz, or leave it empty",
    "search_strategy": "write the id of an identification source of the search log (lower-case letters, digits "
    "and underscores, e.g. 'database'), or leave it empty",
}
# Spreadsheets set to a language with decimal commas save "CSV" with semicolons; some tools write tabs.
_DELIMITERS = ((";", "semicolon"), ("\t", "tab"))


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


@dataclass(frozen=True)
class ManifestTable:
    """The manifest as read: header, rows, and the non-empty cells of a row beyond the header."""

    header: tuple[str, ...]
    rows: list[dict[str, str]]
    overflow: dict[int, list[str]]  # spreadsheet row number -> cells csv.DictReader would drop


@cache
def _schema() -> dict[str, Any]:
    return read_yaml(schema_path("manifest"))


def allowed_values(column: str) -> tuple[str, ...]:
    """The values the schema allows in an enumerated column, in the schema's order."""
    return tuple(_schema()["properties"][column]["enum"])


def _line(index: int) -> int:
    return index + 2  # rows as a spreadsheet numbers them: the header is row 1


# A manifest has a line per document. Reading blank lines costs the csv module about half a microsecond
# each, so a file of tens of millions of them (a spreadsheet's formatted empty rows, a damaged file)
# took half a minute in every rule that reads the manifest; past this many lines it is refused instead.
MAX_MANIFEST_LINES = 1_000_000


def _too_many_lines(text: str, path: str | Path) -> str | None:
    lines = max(text.count("\n"), text.count("\r"))  # \r alone also ends a CSV line
    if lines <= MAX_MANIFEST_LINES:
        return None
    return (
        f"{path}: {lines:,} lines, far more than a manifest holds (a line per document; at most "
        f"{MAX_MANIFEST_LINES:,} are read). Fix: delete the empty rows below the table (a spreadsheet can "
        "save many formatted but empty rows), or check that this file is the manifest."
    )


def read_table(path: str | Path) -> ManifestTable:
    """Read the manifest as raw strings; missing optional columns become empty strings.
    A manifest that is not UTF-8, or of more than MAX_MANIFEST_LINES lines, raises ReviewflowError
    naming the file and the fix."""
    text = read_utf8_text(path, "manifest")
    problem = _too_many_lines(text, path)
    if problem:
        raise ReviewflowError(problem)
    with io.StringIO(text, newline="") as handle:
        reader = csv.DictReader(handle)
        rows: list[dict[str, str]] = []
        overflow: dict[int, list[str]] = {}
        try:
            header = tuple(name.strip() for name in reader.fieldnames or ())
            for index, raw in enumerate(reader):
                # DictReader files cells beyond the header under the key None.
                extra = [cell.strip() for cell in raw.get(None) or [] if cell.strip()]
                if extra:
                    overflow[_line(index)] = extra
                row = {key.strip(): (value or "").strip() for key, value in raw.items() if key is not None}
                for optional in ("year_suffix", "doi"):
                    row.setdefault(optional, "")
                rows.append(row)
        except csv.Error as error:  # e.g. a cell over the csv module's 131,072-character limit
            raise ReviewflowError(csv_error_message(path, "manifest", reader.line_num, error)) from None
    return ManifestTable(header=header, rows=rows, overflow=overflow)


def read_rows(path: str | Path) -> list[dict[str, str]]:
    """The manifest's rows as raw strings (see ``read_table`` for the header and overflow cells)."""
    return read_table(path).rows


def _wrong_delimiter(header: tuple[str, ...]) -> str | None:
    """'semicolon' or 'tab' when the required columns are not found because of that separator."""
    if all(column in header for column in _schema()["required"]):
        return None
    for delimiter, name in _DELIMITERS:
        if any(delimiter in cell for cell in header):
            return name
    return None


def _quoted(names: list[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)


def _unreadable_header(header: tuple[str, ...], path: str | Path) -> list[str]:
    """Header problems that make the rows unreadable or lose values (so a rewrite is refused too)."""
    where = f"{path}: row 1 (header)"
    delimiter = _wrong_delimiter(header)
    if delimiter:
        return [
            f"{where}: the columns are separated by {delimiter}s, not commas, so the required "
            f"columns are not found. Fix: save the file as 'CSV UTF-8 (comma delimited)' (a spreadsheet "
            f"set to a language with decimal commas writes {delimiter}s), or replace the {delimiter}s "
            "between columns with commas."
        ]
    return [
        f"{where}, column '{name}': appears {header.count(name)} times, and only the last one's values "
        "would be read. Fix: rename or merge the repeated columns."
        for name in sorted({name for name in header if header.count(name) > 1})
    ]


def header_problems(header: tuple[str, ...], path: str | Path) -> list[str]:
    """Problems of the header row, each reported once (not once per row)."""
    if not header:
        return [
            f"{path}: the file is empty (no header row). Fix: start it with the header line "
            f"'{','.join(COLUMNS)}' and one row per document (or `python -m reviewflow corpus add`), "
            "or restore it from version control."
        ]
    problems = _unreadable_header(header, path)
    missing = [column for column in _schema()["required"] if column not in header]
    if missing and not _wrong_delimiter(header):
        label = "column" if len(missing) == 1 else "columns"
        problems.append(
            f"{path}: row 1 (header), {label} {_quoted(missing)}: missing from the header. Fix: add "
            f"the {label} to the header and a value in every row (see {schema_path('manifest')})."
        )
    return problems


def overflow_problems(table: ManifestTable, path: str | Path) -> list[str]:
    """Rows with more cells than the header has columns: those values would be lost."""
    problems = []
    for line, cells in sorted(table.overflow.items()):
        doc_id = table.rows[line - _line(0)].get("doc_id", "")
        shown = ", ".join(repr(cell[:40]) for cell in cells[:3]) + (", ..." if len(cells) > 3 else "")
        problems.append(
            f"{path}: row {line} (doc_id '{doc_id}'): {len(cells)} cell(s) beyond the "
            f"{len(table.header)} columns of the header ({shown}). Fix: put double quotes around "
            "a value that contains a comma, or name the extra column in the header."
        )
    return problems


def rewrite_problems(table: ManifestTable, path: str | Path) -> list[str]:
    """Problems that would make a rewrite of the manifest lose what the researcher wrote.

    A missing column is not one: the rewrite adds it, empty, and validation then names it.
    """
    return _unreadable_header(table.header, path) + overflow_problems(table, path)


def _citation_problem(row: dict[str, str], where: str) -> str | None:
    """The citation is printed verbatim in the tables, so it must carry the row's year and suffix."""
    year, suffix, citation = row.get("year", ""), row.get("year_suffix", ""), row.get("citation", "")
    if not citation or not re.fullmatch(r"\d{4}", year) or not re.fullmatch(r"[a-z]?", suffix):
        return None  # reported as a missing or invalid value already
    label = f"{year}{suffix}"
    if re.search(rf"(?<![0-9]){label}$", citation):
        return None
    trailing_year = re.search(r"\d{4}[a-z]?$", citation)
    example = citation[: trailing_year.start()] + label if trailing_year else f"{citation}, {label}"
    return (
        f"{where}, column 'citation': {citation!r} does not end with {label}, the row's year and "
        f"year_suffix. Fix: write the citation as '{example}', or correct year/year_suffix."
    )


def validate_rows(
    rows: list[dict[str, str]],
    manifest_path: str | Path,
    corpus_dir: str | Path | None = None,
    header: tuple[str, ...] | None = None,
) -> list[str]:
    """Every problem of the rows, one message each naming the row (as in a spreadsheet) and column.

    With ``header``, a required column missing from it is left to ``header_problems`` (reported once).
    """
    manifest_path = Path(manifest_path)
    corpus_dir = Path(corpus_dir) if corpus_dir is not None else manifest_path.parent
    validator = jsonschema.Draft202012Validator(_schema())
    problems: list[str] = []
    seen: dict[str, int] = {}
    files: dict[str, tuple[int, str]] = {}
    for index, row in enumerate(rows):
        line = _line(index)
        doc_id = row.get("doc_id", "")
        where = f"{manifest_path}: row {line} (doc_id '{doc_id}')"
        for error in sorted(validator.iter_errors(row), key=lambda e: (list(e.path), e.message)):
            if error.validator == "required":
                column = error.message.split("'")[1]
                if header is None or column in header:
                    problems.append(
                        f"{where}, column '{column}': missing. Fix: add the column '{column}' to the header."
                    )
                continue
            column = str(error.path[0]) if error.path else "?"
            value = row.get(column, "")
            if error.validator == "enum":
                fix = "use one of " + ", ".join(str(allowed) for allowed in error.validator_value)
            else:
                fix = _FIXES.get(column, "correct the value")
            problems.append(f"{where}, column '{column}': invalid value {value!r}. Fix: {fix}.")
        citation = _citation_problem(row, where)
        if citation:
            problems.append(citation)
        if doc_id in seen:
            problems.append(
                f"{where}, column 'doc_id': duplicate of row {seen[doc_id]}. Fix: give each document its own doc_id."
            )
        elif doc_id:
            seen[doc_id] = line
        file = row.get("file", "")
        if not file:
            continue
        key = os.path.normpath(file)
        if key in files:
            other_line, other_id = files[key]
            problems.append(
                f"{where}, column 'file': {file} is also the file of row {other_line} (doc_id '{other_id}'). "
                "Fix: give each document its own file, or delete the duplicate row."
            )
        else:
            files[key] = (line, doc_id)
        unreadable = readers.extension_problem(file)
        if unreadable:
            problems.append(f"{where}, column 'file': {file} {unreadable}.")
        problem = file_problem(file, corpus_dir)
        if problem:
            problems.append(f"{where}, column 'file': {problem}")
    return problems


def file_problem(file: str, corpus_dir: Path) -> str | None:
    """Why a manifest `file` value cannot be the document's file, or None.

    A document must be inside the corpus folder (after following symlinks): a path like
    ``../../etc/passwd`` would otherwise be ingested and quoted into the results.
    """
    target = corpus_dir / file
    try:
        inside = target.resolve().is_relative_to(corpus_dir.resolve())
        exists = inside and target.is_file()
    except (OSError, ValueError) as error:  # e.g. a name longer than the file system allows, a NUL character
        return (
            f"{file[:60]!r}... is not a usable path ({getattr(error, 'strerror', None) or error}). Fix: give the document a "
            "short file name of ordinary characters and write its path relative to the corpus folder, e.g. documents/<doc_id>.pdf."
        )
    if not inside:
        return (
            f"{file} leads outside the corpus folder {corpus_dir} (documents must be inside it; symlinks are "
            f"followed). Fix: copy the document into {corpus_dir} (e.g. {corpus_dir / 'documents'}) and give its "
            "path relative to that folder."
        )
    if not exists:
        return f"{target} does not exist. Fix: put the document there or correct the path."
    return None


def validate_table(table: ManifestTable, manifest_path: str | Path, corpus_dir: str | Path | None = None) -> list[str]:
    """Every problem of the manifest: the header once, then an empty table, overflow cells and rows."""
    problems = header_problems(table.header, manifest_path)
    if not table.header or _wrong_delimiter(table.header):
        return problems  # the rows cannot be read column by column
    if not table.rows:
        problems.append(
            f"{manifest_path}: no documents: the header is there but no row follows. Fix: add one row "
            "per included document (by hand or with `python -m reviewflow corpus add`)."
        )
    problems += overflow_problems(table, manifest_path)
    return problems + validate_rows(table.rows, manifest_path, corpus_dir, header=table.header)


def load_manifest(path: str | Path, corpus_dir: str | Path | None = None) -> list[Document]:
    """Read and validate the manifest; raise ManifestError listing every problem."""
    path = Path(path)
    if not path.is_file():
        raise ManifestError([f"{path}: manifest not found. Fix: create it (see README, 'Adding literature')."])
    try:
        table = read_table(path)
    except ReviewflowError as error:
        raise ManifestError([str(error)]) from None
    problems = validate_table(table, path, corpus_dir)
    if problems:
        raise ManifestError(problems)
    return [_document(row) for row in table.rows]


def _document(row: Mapping[str, str]) -> Document:
    values: dict[str, Any] = {c: row.get(c, "") for c in COLUMNS}
    values.update(surrogate=row["surrogate"] == "true", verified=row["verified"] == "true")
    return Document(**values)


def append_rows(path: str | Path, rows: list[dict[str, str]]) -> None:
    """Add rows at the end of the manifest and leave every byte already there as it is: line endings,
    BOM, quoting, column order and extra columns stay the researcher's. The new rows follow the file's
    header and line ending. A missing manifest is created; a header that lacks a column a new row fills
    is rewritten with ``write_rows`` (nothing may be dropped)."""
    path = Path(path)
    if not path.is_file():
        write_rows(path, rows)
        return
    data = path.read_bytes()
    text = read_utf8_text(path, "manifest")
    header = [name.strip() for name in next(csv.reader(io.StringIO(text, newline="")), [])]
    if any(value and column not in header for row in rows for column, value in row.items()):
        write_rows(path, read_rows(path) + rows)
        return
    newline = "\r\n" if b"\r\n" in data else "\n"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    separator = b"" if not data or data.endswith((b"\n", b"\r")) else newline.encode()
    atomic_write_bytes(path, data + separator + out.getvalue().encode("utf-8"))


def write_rows(path: str | Path, rows: list[dict[str, str]]) -> None:
    """Rewrite the manifest atomically, keeping any extra columns a researcher added."""
    extra = sorted({key for row in rows for key in row} - set(COLUMNS))
    atomic_write_text(path, csv_text(rows, [*COLUMNS, *extra], neutralize=False))


# The search log's identification groups, as in the search_log schema (reviewflow/data/schemas/).
_SEARCH_LOG_GROUPS = ("databases_and_registers", "other_methods")


def check_search_strategies(
    documents: Iterable[Document | Mapping[str, str]],
    search_log: Mapping[str, Any] | str | Path,
    *,
    manifest_path: str | Path = "corpus/manifest.csv",
    search_log_path: str | Path | None = None,
) -> list[str]:
    """Manifest rows whose search_strategy is not the id of an identification source of the search log.

    `documents`: the manifest's documents (or raw rows) in manifest order, as `load_manifest` returns
    them, so that the n-th is spreadsheet row n + 1. `search_log`: the loaded log, or its path. An empty
    search_strategy is allowed (the source is not known). One message per row, naming the manifest,
    the row and doc_id, the value, the known ids and the fix.
    """
    if not isinstance(search_log, Mapping):
        search_log_path = search_log_path or search_log
        search_log = read_yaml(search_log)
    log_name = str(search_log_path or "corpus/search_log.yaml")
    identification = search_log.get("identification") if isinstance(search_log, Mapping) else None
    identification = identification if isinstance(identification, Mapping) else {}
    known = [
        str(source["id"])
        for group in _SEARCH_LOG_GROUPS
        for source in identification.get(group) or []
        if isinstance(source, Mapping) and source.get("id")
    ]
    known_text = ", ".join(known) if known else "none: the log lists no identification source"
    problems = []
    for index, document in enumerate(documents):
        row = document if isinstance(document, Mapping) else vars(document)
        value = str(row.get("search_strategy") or "").strip()
        if not value or value in known:
            continue
        problems.append(
            f"{manifest_path}: row {_line(index)} (doc_id '{row.get('doc_id', '')}'), column 'search_strategy': "
            f"{value!r} is not an identification source of {log_name} (its ids: {known_text}). Fix: write one of "
            f"those ids, or add a source with id '{value}' (and its label) to identification.databases_and_registers "
            f"or identification.other_methods of {log_name}."
        )
    return problems
