"""Manual form fields: reviewers' values for the fields the coder does not fill (the "manual_fields" sheet).

They are read from each decisions workbook's "manual_fields" sheet and, for CSV reviewers, from
``<name>.manual_fields.csv`` beside their decisions, and checked against the corpus and the form
(``check_manual_values``). Which reviewer's value a run applies is
``reviewflow.synthesis.extraction_table``'s job; ``reviewflow.review.export`` fills one reviewer's
latest value back into a re-exported sheet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewflow.errors import ReviewflowError
from reviewflow.review.sheets import (
    ADJUDICATION_STEM,
    MANUAL_CSV_SUFFIX,
    MANUAL_SHEET,
    MANUAL_SHEET_COLUMNS,
    Formula,
    columns_problem,
    decision_files,
    decisions_schema,
    delimiter_problem,
    formula_message,
    formulas_by_row,
    normalized_name,
    open_workbook,
    read_table,
    sheet_table,
)

if TYPE_CHECKING:
    from reviewflow.form import Field, Form

MANUAL_REQUIRED_COLUMNS: tuple[str, ...] = ("doc_id", "field", "value")


@dataclass(frozen=True)
class ManualValue:
    """One reviewer's value for one manual form field of one document, as read from one row."""

    doc_id: str
    field: str
    value: str
    reviewer: str
    note: str
    source: str
    row: int
    adjudicated: bool = False
    decided_at: str = ""  # as in a segment decision: as the reviewer wrote it, "" when not recorded

    def report_row(self, status: str, message: str) -> dict[str, Any]:
        return {
            "source": self.source,
            "row": self.row,
            "reviewer": self.reviewer,
            "decided_at": self.decided_at,
            "doc_id": self.doc_id,
            "field": self.field,
            "value": self.value,
            "status": status,
            "message": message,
            "note": self.note,
        }


def manual_field_sources(decision_paths: Iterable[str | Path]) -> list[Path]:
    """Where manual field values are read from: every decisions workbook (its "manual_fields" sheet)
    and, for a CSV decisions file ``ana.csv``, the sibling ``ana.manual_fields.csv`` when it exists."""
    sources: list[Path] = []
    for path in sorted(Path(p) for p in decision_paths):
        if path.suffix.lower() == ".xlsx" or path.name.lower().endswith(MANUAL_CSV_SUFFIX):
            sources.append(path)
        else:
            sibling = path.with_name(path.stem + MANUAL_CSV_SUFFIX)
            if sibling.is_file():
                sources.append(sibling)
    return sources


def manual_field_files(folder: str | Path) -> list[Path]:
    """Every source of manual field values in ``folder``: the decisions workbooks and every
    ``*.manual_fields.csv``, also one whose ``<name>.csv`` is missing (its values would otherwise be lost)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    siblings = [
        path
        for path in folder.iterdir()
        if path.is_file() and not path.name.startswith((".", "~$")) and path.name.lower().endswith(MANUAL_CSV_SUFFIX)
    ]
    return manual_field_sources(decision_files(folder) + siblings)


def _read_manual_table(path: Path) -> tuple[str, list[str], list[list[str]], list[Formula]] | None:
    """(where, header, rows, formula cells) of the manual fields of one source; None for a workbook
    without the sheet."""
    if path.suffix.lower() != ".xlsx":
        header, rows, formulas = read_table(path, lambda header: manual_header_problem(str(path), header))
        return str(path), header, rows, formulas
    workbook = open_workbook(path)
    try:
        if MANUAL_SHEET not in workbook.sheetnames:
            renamed = [name for name in workbook.sheetnames if normalized_name(name) == MANUAL_SHEET]
            if renamed:
                raise ReviewflowError(
                    f"{path}: sheet '{MANUAL_SHEET}' is missing (found '{renamed[0]}', which differs only in case, "
                    f"spaces or hyphens). Fix: rename the sheet to exactly '{MANUAL_SHEET}'. "
                    "Its values are not used until then."
                )
            return None  # a reviewer who only checked segments: nothing to read
        header, rows, formulas = sheet_table(workbook[MANUAL_SHEET], where=f"{path} (sheet '{MANUAL_SHEET}')")
    finally:
        workbook.close()
    return f"{path} (sheet '{MANUAL_SHEET}')", header, rows, formulas


def manual_header_problem(where: str, header: Sequence[str]) -> str | None:
    """The problem of a manual fields sheet's header, or None when it is usable."""
    return delimiter_problem(where, header) or columns_problem(
        where,
        header,
        MANUAL_SHEET_COLUMNS,
        MANUAL_REQUIRED_COLUMNS,
        f"the '{MANUAL_SHEET}' sheet of results/review/review_sheet.xlsx. These values are not used until then",
    )


def load_manual_sheet(path: str | Path) -> tuple[list[ManualValue], list[dict[str, Any]]]:
    """The filled manual field values of one source, and report rows for what is refused: the sheet
    (``sheet_error``) or a row with a formula cell (``invalid``).

    A row with an empty value (a field the reviewer did not fill) is skipped. The reviewer is the
    ``reviewer`` cell, else the decisions file's name (``ana.xlsx`` and ``ana.manual_fields.csv`` → ``ana``).
    ``decided_at`` is read and checked as in the segments sheet (a row with something else there is
    ``invalid``); a sheet without the column, saved before it existed, is read with it empty.
    Checking doc ids, field ids and values against the corpus and the form is ``check_manual_values``.
    """
    path = Path(path)
    stem = path.name[: -len(MANUAL_CSV_SUFFIX)] if path.name.lower().endswith(MANUAL_CSV_SUFFIX) else path.stem
    try:
        table = _read_manual_table(path)
        problem = manual_header_problem(table[0], table[1]) if table is not None else None
    except ReviewflowError as error:
        table, problem = None, str(error)
    if problem:
        return [], [
            {
                "source": str(path),
                "row": "",
                "reviewer": "",
                "decided_at": "",
                "doc_id": "",
                "field": "",
                "value": "",
                "status": "sheet_error",
                "message": problem,
                "note": "",
            }
        ]
    if table is None:
        return [], []
    where, header, rows, formulas = table
    formulas_in_row = formulas_by_row(formulas, MANUAL_SHEET_COLUMNS)
    values, refused = [], []
    for index, cells in enumerate(rows, start=2):
        record = dict(zip(header, cells))
        if not record.get("value", ""):
            continue
        value = ManualValue(
            doc_id=record.get("doc_id", "").lower(),
            field=record.get("field", "").lower(),
            value=record["value"],
            reviewer=record.get("reviewer", "") or stem,
            note=record.get("note", ""),
            source=str(path),
            row=index,
            adjudicated=stem.lower() == ADJUDICATION_STEM,
            decided_at=record.get("decided_at", ""),
        )
        if formulas_in_row.get(index):
            refused.append(value.report_row("invalid", formula_message(where, index, formulas_in_row[index])))
        elif not _valid_decided_at(value.decided_at):
            refused.append(
                value.report_row("invalid", f"{where}: row {index}: {_decided_at_problem(value.decided_at)}")
            )
        else:
            values.append(value)
    return values, refused


def _valid_decided_at(text: str) -> bool:
    """``decided_at`` as the decisions schema has it: empty, a date, or a date and time."""
    return re.fullmatch(decisions_schema()["properties"]["decided_at"]["pattern"], text) is not None


def _decided_at_problem(text: str) -> str:
    return (
        f"column 'decided_at': {text!r} is not valid (when the reviewer decided: a date, 2026-11-30, or a date "
        "and time, 2026-11-30 14:05; optional). Fix: correct the cell or clear it; the value is not used until then."
    )


# How a yes/no field's value may be written (case aside); anything else is refused as invalid.
_TRUE = {"true", "yes", "y", "1", "x", "include", "included"}
_FALSE = {"false", "no", "n", "0", "exclude", "excluded"}


def normalize_value(text: str, spec: Field) -> tuple[str, str | None]:
    """(the value as the table stores it, a problem or None), by the field's type in the form."""
    kind = spec.type
    if kind == "boolean":
        folded = text.strip().casefold()
        if folded in _TRUE:
            return "true", None
        if folded in _FALSE:
            return "false", None
        return text, f"'{text}' is not yes/no; write true or false"
    if kind in ("number", "integer"):
        try:
            number = float(text)
        except ValueError:
            return text, f"'{text}' is not a number"
        return (str(int(number)) if number.is_integer() else str(number)), None
    choices = list(spec.choices)
    if choices and kind in ("single_choice", "multiple_choice"):
        parts = [p.strip().lower() for p in re.split(r"[;,]", text) if p.strip()]
        if kind == "single_choice" and len(parts) != 1:
            return text, f"'{text}' must be exactly one of {', '.join(choices)}"
        unknown = [p for p in parts if p not in choices]
        if unknown:
            return text, f"'{', '.join(unknown)}' is not a choice; use {', '.join(choices)}"
        return ";".join(c for c in choices if c in parts), None
    return text.strip(), None


def load_manual_values(sources: Iterable[str | Path]) -> tuple[list[ManualValue], list[dict[str, Any]]]:
    """The filled values of every source, in the order a run reads them (``sources`` as given, rows top
    to bottom, so a later value wins), and the report rows of what ``load_manual_sheet`` refused."""
    values: list[ManualValue] = []
    refused: list[dict[str, Any]] = []
    for source in sources:
        found, problems = load_manual_sheet(source)
        values.extend(found)
        refused.extend(problems)
    return values, refused


def check_manual_values(
    values: Iterable[ManualValue], doc_ids: Iterable[str], form: Form
) -> tuple[list[tuple[ManualValue, str]], list[dict[str, Any]]]:
    """The values a run can apply, in the order given, each with its text as ``results/forms.csv`` stores
    it (``normalize_value``); and a report row for each of the others: ``unknown_document`` (no such
    doc_id among ``doc_ids``), ``unknown_field`` (not in the form), ``not_manual`` (an automatic
    field) or ``invalid`` (a value the field's type refuses).

    Which usable value wins is the caller's: ``reviewflow.synthesis.extraction_table`` resolves the
    reviewers for the run, and ``reviewflow.review.export`` fills one reviewer's latest value back into
    a sheet; both go by this one check, so a re-exported sheet shows the value the run applies.
    """
    known_docs = set(doc_ids)
    specs = {spec.id: spec for spec in form.iter_fields()}
    manual_ids = [spec.id for spec in form.iter_fields("manual")]
    usable: list[tuple[ManualValue, str]] = []
    report: list[dict[str, Any]] = []
    for value in values:
        if value.doc_id not in known_docs:
            report.append(
                value.report_row(
                    "unknown_document",
                    (
                        f"{value.source}: row {value.row}: document '{value.doc_id}' is not in the corpus (the manifest "
                        "has no such doc_id); not applied. Fix: correct the doc_id, or add the document to the manifest."
                    ),
                )
            )
            continue
        spec = specs.get(value.field)
        if spec is None:
            report.append(
                value.report_row(
                    "unknown_field",
                    (
                        f"{value.source}: row {value.row}: field '{value.field}' is not in the extraction form {form.id}; "
                        f"not applied. Fix: use one of the manual fields {', '.join(manual_ids)}."
                    ),
                )
            )
            continue
        if spec.mode != "manual":
            report.append(
                value.report_row(
                    "not_manual",
                    (
                        f"{value.source}: row {value.row}: field '{value.field}' is filled automatically, not by reviewers; "
                        f"not applied. Fix: record corrections to it as segment decisions, or as a note in a manual field."
                    ),
                )
            )
            continue
        text, problem = normalize_value(value.value, spec)
        if problem:
            report.append(
                value.report_row(
                    "invalid",
                    (
                        f"{value.source}: row {value.row}: field '{value.field}' ({spec.type}): {problem}. "
                        "Fix: correct the value; it is not applied until then."
                    ),
                )
            )
            continue
        usable.append((value, text))
    return usable, report
