"""Shared by the review steps: the sheets' columns, a segment's coding, a reviewer's decision, reading a sheet.

Also the sheets of a decisions folder. The steps are one module each: ``export`` writes the review
sheet, ``decisions`` reads filled sheets back, ``resolution`` turns several reviewers' decisions into
one per segment, ``manual_fields`` reads the manual form fields. Nothing in ``reviewflow.review``
writes to the decisions folder.
"""

from __future__ import annotations

import csv
import datetime
import functools
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewflow.errors import ReviewflowError
from reviewflow.fileio import csv_error_message, read_csv_rows, read_yaml
from reviewflow.paths import schema_path
from reviewflow.safety import FORMULA_PREFIXES

if TYPE_CHECKING:
    from reviewflow.form import Codebook

REVIEWER_COLUMNS: tuple[str, ...] = (
    "decision",
    "codes_override",
    "phase_override",
    "polarity_override",
    "reviewer",
    "decided_at",
    "note",
)
SEGMENT_SHEET_COLUMNS: tuple[str, ...] = (
    "segment_id",
    "doc_id",
    "citation",
    "page",
    "quote",
    "in_text_citations",
    "is_recommendation",
    "polarity",
    "service_areas",
    "practices",
    "needs",
    "phase",
    "confidence",
    "decided_by",
    *REVIEWER_COLUMNS,
)
# decided_at as in the segments sheet; a sheet saved before the column existed is still read
MANUAL_SHEET_COLUMNS: tuple[str, ...] = ("doc_id", "field", "label", "value", "reviewer", "decided_at", "note")
REPORT_COLUMNS: tuple[str, ...] = (
    "source",
    "row",
    "reviewer",
    "decided_at",
    "segment_id",
    "doc_id",
    "decision",
    "codes_override",
    "phase_override",
    "polarity_override",
    "status",
    "message",
    "note",
)
ADJUDICATION_STEM = "adjudicated"


def adjudication_sheet(source: str) -> str:
    """Where the adjudicated sheet goes: beside the reviewer sheet ``source``, in this review's decisions folder."""
    return (Path(source).parent / f"{ADJUDICATION_STEM}.xlsx").as_posix()


SEGMENTS_SHEET = "segments"
MANUAL_SHEET = "manual_fields"
MANUAL_CSV_SUFFIX = ".manual_fields.csv"
CODE_KINDS: tuple[str, ...] = ("service_areas", "practices", "needs")


# --------------------------------------------------------------------------------------------------
# Segments (results/coded/{doc}.csv)


def read_segments(paths: Iterable[str | Path]) -> list[dict[str, str]]:
    """Rows of the coded CSV files, files in doc_id (file stem) order, rows in text order."""
    rows: list[dict[str, str]] = []
    for path in sorted((Path(p) for p in paths), key=lambda p: p.stem):
        rows.extend(read_csv_rows(path))
    return rows


def split_ids(value: str) -> tuple[str, ...]:
    """``a;b`` (or ``a, b``) → ``("a", "b")``; empty parts dropped, case folded."""
    return tuple(part.strip().lower() for part in re.split(r"[;,]", value or "") if part.strip())


# --------------------------------------------------------------------------------------------------
# Coding as a reviewer sees it


@dataclass(frozen=True)
class Coding:
    """The codes of one segment, as the automatic coder or one reviewer would have them."""

    is_recommendation: bool
    service_areas: frozenset[str]
    practices: frozenset[str]
    needs: frozenset[str]
    phase: str
    polarity: str = ""  # do / do_not for a recommendation (empty reads as do)

    @classmethod
    def from_row(cls, row: Mapping[str, str]) -> Coding:
        return cls(
            is_recommendation=row.get("is_recommendation", "") == "true",
            service_areas=frozenset(split_ids(row.get("service_areas", ""))),
            practices=frozenset(split_ids(row.get("practices", ""))),
            needs=frozenset(split_ids(row.get("needs", ""))),
            phase=row.get("phase", "") or "",
            polarity=(row.get("polarity", "") or "do") if row.get("is_recommendation", "") == "true" else "",
        )


@dataclass(frozen=True)
class Decision:
    """One reviewer's decision on one segment, as read from one row of a sheet."""

    segment_id: str
    decision: str
    codes_override: tuple[str, ...]
    phase_override: str
    reviewer: str
    note: str
    source: str
    row: int
    doc_id: str = ""
    adjudicated: bool = False
    # when the reviewer decided, as they wrote it (ISO date, optionally time); "" when not recorded
    decided_at: str = ""
    polarity_override: str = ""  # with edit: do / do_not; "" keeps the automatic polarity

    def coding(self, auto: Coding, codebook: Codebook) -> Coding:
        """The coding this decision gives a segment whose automatic coding is ``auto``.

        reject means "not a recommendation": no codes. edit means "a recommendation with these codes":
        an empty ``codes_override`` keeps the automatic codes, an empty ``phase_override`` the phase,
        an empty ``polarity_override`` the polarity (``do`` where the coder saw no recommendation).
        """
        if self.decision == "accept":
            return auto
        if self.decision == "reject":
            return Coding(False, frozenset(), frozenset(), frozenset(), "")
        if self.codes_override:
            by_kind = split_codes(self.codes_override, codebook)
            areas, practices, needs = (frozenset(by_kind[kind]) for kind in CODE_KINDS)
        else:
            areas, practices, needs = auto.service_areas, auto.practices, auto.needs
        polarity = self.polarity_override or auto.polarity or "do"
        return Coding(True, areas, practices, needs, self.phase_override or auto.phase, polarity)

    def report_row(self, status: str, message: str) -> dict[str, Any]:
        return {
            "source": self.source,
            "row": self.row,
            "reviewer": self.reviewer,
            "decided_at": self.decided_at,
            "segment_id": self.segment_id,
            "doc_id": self.doc_id,
            "decision": self.decision,
            "codes_override": ";".join(self.codes_override),
            "phase_override": self.phase_override,
            "polarity_override": self.polarity_override,
            "status": status,
            "message": message,
            "note": self.note,
        }


def split_codes(ids: Iterable[str], codebook: Codebook) -> dict[str, list[str]]:
    """Codebook ids sorted into service areas, practices and needs, each in codebook order."""
    wanted = set(ids)
    return {kind: [code for code in codebook.ids(kind) if code in wanted] for kind in CODE_KINDS}


# --------------------------------------------------------------------------------------------------
# The sheets of a decisions folder


def decision_files(folder: str | Path) -> list[Path]:
    """The reviewer sheets in ``folder``: *.xlsx and *.csv, without README, hidden and ``~$`` lock files."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file()
        and path.suffix.lower() in (".xlsx", ".csv")
        and not path.name.startswith((".", "~$"))
        and not path.stem.lower().startswith("readme")
        # a CSV reviewer's manual fields live beside their decisions, not in a decisions sheet of their own
        and not path.name.lower().endswith(MANUAL_CSV_SUFFIX)
    )


@functools.lru_cache(maxsize=1)
def decisions_schema() -> dict[str, Any]:
    """reviewflow/data/schemas/decisions.schema.yaml: a decision row's columns, and the ``decided_at``
    both the segments and the manual fields sheet follow."""
    return read_yaml(schema_path("decisions"))


# --------------------------------------------------------------------------------------------------
# Reading a sheet


def cell_text(value: Any) -> str:
    """A cell as text: None → "", 3.0 → "3", a date cell → 2026-11-30 (with its time, 2026-11-30 14:05,
    when it has one), the apostrophe the export put before a formula removed."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        midnight = value.time() == datetime.time(0)
        return value.date().isoformat() if midnight else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        text = text[1:]
    return text


@dataclass(frozen=True)
class Formula:
    """A cell holding a spreadsheet formula: reviewflow never computes formulas, it reports them."""

    row: int  # sheet row number (the header is row 1)
    column: str  # the header of its column
    text: str


def formula_message(where: str, row: int, formulas: Sequence[Formula]) -> str:
    cells = "; ".join(f"column '{f.column}' holds the formula {f.text}" for f in formulas)
    return (
        f"{where}: row {row}: {cells}. reviewflow reads what is typed and never computes a formula "
        "(otherwise the cell would read as empty, or as the result a spreadsheet last computed). Fix: type "
        "the value itself (to keep text that starts with '=', put an apostrophe before it); the row is not "
        "used until then."
    )


def formulas_by_row(formulas: Iterable[Formula], columns: Collection[str]) -> dict[int, list[Formula]]:
    """The formula cells of a sheet's known ``columns`` by row (extra columns are ignored, their formulas too)."""
    by_row: dict[int, list[Formula]] = defaultdict(list)
    for formula in formulas:
        if formula.column in columns:
            by_row[formula.row].append(formula)
    return by_row


def open_workbook(path: Path) -> Any:
    from openpyxl import load_workbook

    try:
        # data_only=False: a formula cell reads as its formula text (data_only=True would give None,
        # or the value last computed by a spreadsheet program), so it can be reported
        return load_workbook(path, read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises several types for damaged or non-xlsx files
        raise ReviewflowError(
            f"{path}: cannot be read as an .xlsx workbook ({error}). "
            "Fix: save it from the spreadsheet program as 'Excel Workbook (.xlsx)'."
        ) from None


HeaderCheck = Callable[[list[str]], str | None]
# A sheet holds at most this many rows, the header included: Excel's own limit, so every sheet a reviewer
# filled in a spreadsheet program fits, and a review sheet has a row per segment of the export, far
# fewer. A valid row costs about 1 KB of memory and 0.2 ms to read (100,000 rows: 97 MB, 21 s on a loaded
# machine), so the longest sheet read stays near a gigabyte and a few minutes; a longer file (generated,
# damaged, a CSV of tens of millions of lines) is refused as soon as the row past the limit is read.
MAX_SHEET_ROWS = 1_048_576


def too_many_rows(where: str) -> ReviewflowError:
    """The error for a sheet longer than MAX_SHEET_ROWS (``where``: the file, and its sheet for an xlsx)."""
    return ReviewflowError(
        f"{where}: more than {MAX_SHEET_ROWS:,} rows, more than a spreadsheet holds and far more than the "
        "review export writes (a row per segment); nothing in it is used. Fix: delete the empty rows below "
        "the table and the rows you left undecided (they are skipped anyway), or check that this file is a "
        "sheet of results/review/review_sheet.xlsx."
    )


# The one row object of every blank row: a sheet of up to MAX_SHEET_ROWS empty lines (a file exported with a
# wrong delimiter, a spreadsheet's formatted but empty rows) then costs a pointer per row, not a list.
_BLANK_ROW: list[str] = []


def sheet_table(
    sheet: Any, check_header: HeaderCheck | None = None, where: str = "the sheet"
) -> tuple[list[str], list[list[str]], list[Formula]]:
    """Header, rows as text and the formula cells of a worksheet (rows unread when the header is refused).

    A worksheet of more than MAX_SHEET_ROWS rows raises ReviewflowError naming ``where``.
    """
    rows_in = sheet.iter_rows()
    first = next(rows_in, None)
    if first is None:
        return [], [], []
    # The header is kept as typed: a header cell with a stray space is reported, not silently accepted.
    header = [str(cell.value) if cell.value is not None else "" for cell in first]
    _refuse_header(header, check_header)
    rows, formulas = [], []
    for number, cells in enumerate(rows_in, start=2):
        if number > MAX_SHEET_ROWS:
            raise too_many_rows(where)
        values = []
        for index, cell in enumerate(cells):
            value = cell.value
            if getattr(cell, "data_type", None) == "f":
                value = str(getattr(value, "text", value))  # array formulas carry their text in .text
                column = header[index] if index < len(header) and header[index] else f"column {index + 1}"
                formulas.append(Formula(number, column, value))
            values.append(cell_text(value))
        rows.append(values)
    return header, rows, formulas


def _refuse_header(header: list[str], check_header: HeaderCheck | None) -> None:
    """Raise the header's problem before any row is read: a sheet that cannot be used is not read
    through (a tab-separated or damaged file of tens of megabytes would take minutes for nothing)."""
    problem = check_header(header) if check_header is not None else None
    if problem:
        raise ReviewflowError(problem)


def read_table(path: Path, check_header: HeaderCheck | None = None) -> tuple[list[str], list[list[str]], list[Formula]]:
    """Header, rows and formula cells of a sheet (xlsx: the "segments" sheet, else the first one).

    With ``check_header``, a header it finds a problem in raises that problem as a ReviewflowError.
    """
    if path.suffix.lower() == ".xlsx":
        workbook = open_workbook(path)
        try:
            sheet = workbook[SEGMENTS_SHEET] if SEGMENTS_SHEET in workbook.sheetnames else workbook.worksheets[0]
            return sheet_table(sheet, check_header, f"{path} (sheet '{sheet.title}')")
        except ReviewflowError:
            raise
        except Exception as error:  # a read-only workbook parses its sheet while the rows are read
            raise ReviewflowError(
                f"{path}: cannot be read as an .xlsx workbook ({type(error).__name__}: {error}). "
                "Fix: save it from the spreadsheet program as 'Excel Workbook (.xlsx)'."
            ) from None
        finally:
            workbook.close()
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                return [], [], []
            _refuse_header(header, check_header)
            # CSV has no formulas, only text
            rows: list[list[str]] = []
            for row in reader:
                if len(rows) >= MAX_SHEET_ROWS - 1:  # the header is the first of the sheet's rows
                    raise too_many_rows(str(path))
                rows.append([cell_text(v) for v in row] if any(row) else _BLANK_ROW)
    except UnicodeDecodeError:
        raise ReviewflowError(
            f"{path}: is not UTF-8 text. Fix: save it as 'CSV UTF-8' or save the workbook as .xlsx."
        ) from None
    except csv.Error as error:  # e.g. a cell over the csv module's 131,072-character limit
        raise ReviewflowError(csv_error_message(path, "decisions sheet", reader.line_num, error)) from None
    return header, rows, []


def normalized_name(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def columns_problem(
    where: str, header: Sequence[str], known: Sequence[str], required: Sequence[str], restart: str
) -> str | None:
    """One message naming every missing or renamed column of a sheet, or None when it is usable."""
    present = set(header)
    problems = []
    for column in known:
        if column in present:
            continue
        lookalikes = [h for h in header if h and normalized_name(h) == column]
        if lookalikes:
            problems.append(
                f"column '{column}' is missing (found '{lookalikes[0]}', which differs only in case, spaces or hyphens)"
            )
        elif column in required:
            problems.append(f"column '{column}' is missing")
    if not problems:
        return None
    shown = ", ".join(f"'{h}'" for h in header if h)
    return (
        f"{where}: " + "; ".join(problems) + f" (header: {shown or 'empty'}). Fix: rename the header cells to exactly "
        f"{', '.join(repr(c) for c in known)} (lower case, underscores), or start again from {restart}."
    )


def delimiter_problem(where: str, header: Sequence[str]) -> str | None:
    """The problem of a sheet saved with tabs, semicolons or bars between its cells, or None.

    Read as comma-separated CSV its header is one cell holding those characters; renaming header
    cells, as the missing-columns message would say, cannot fix that.
    """
    if len(header) != 1:
        return None
    found = [name for name, char in (("tabs", "\t"), ("semicolons", ";"), ("bars", "|")) if char in header[0]]
    if not found:
        return None
    return (
        f"{where}: the header is one cell with {found[0]} in it ({header[0][:60]!r}...): the file separates its "
        f"cells with {found[0]}, and reviewflow reads CSV with commas between cells. Fix: save it again as "
        "'CSV UTF-8 (comma delimited)' or as an Excel workbook (.xlsx). This sheet is not used until then."
    )
