"""The human in the loop: the review sheet a reviewer fills, and the decisions read back from it.

Three steps, each a function:

1. ``export_review_sheet`` writes ``results/review/review_sheet.xlsx``: one row per coded segment
   with empty reviewer columns, the manual form fields, and instructions.
2. ``load_decision_sheet`` reads a filled sheet (xlsx or csv) from ``corpus/decisions/``, checks its
   header against ``reviewflow/data/schemas/decisions.schema.yaml`` and every row against the codebook.
   A sheet with a wrong header is refused as a whole with one message; a bad row is refused alone.
   Nothing here writes to ``corpus/decisions/``.
3. ``resolve_decisions`` turns every reviewer's decisions into at most one decision per segment:
   - a reviewer's later row wins over their own earlier row for the same segment (files are read in
     name order, rows top to bottom);
   - a decision from a sheet named ``adjudicated.xlsx`` / ``adjudicated.csv`` wins over everyone else's;
   - otherwise reviewers who reach the same coding agree and their decision is applied; reviewers who
     reach different codings are a *conflict*: no decision is applied, the automatic codes stay, and
     the conflict is listed (``results/decisions_report.csv``, ``results/review/conflicts.csv``)
     until an adjudicated sheet settles it.

Every decision read ends up in the decisions report with its fate (applied, superseded, conflict,
unmatched, invalid, sheet_error); none is dropped silently.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import functools
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema

from reviewflow.errors import ReviewflowError, did_you_mean
from reviewflow.fileio import atomic_write_bytes, csv_error_message, read_csv_rows, read_json, read_yaml
from reviewflow.paths import schema_path
from reviewflow.review.selection import (
    EVERY_SEGMENT,
    LeftOut,
    Selection,
    check_doc_ids,
    left_out_summary,
    select_segments,
)
from reviewflow.safety import FORMULA_PREFIXES, neutralize_formula

if TYPE_CHECKING:
    from reviewflow.form import Codebook, Form

DECISION_VALUES: tuple[str, ...] = ("accept", "reject", "edit")
REVIEWER_COLUMNS: tuple[str, ...] = (
    "decision",
    "codes_override",
    "phase_override",
    "polarity_override",
    "reviewer",
    "decided_at",
    "note",
)
POLARITIES: tuple[str, ...] = ("do", "do_not")
OVERRIDE_COLUMNS: tuple[str, ...] = ("codes_override", "phase_override", "polarity_override")
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
# How the export orders segments: as the documents run, or the scorer's most uncertain first.
SHEET_ORDERS: tuple[str, ...] = ("document", "least-confident")
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
MANUAL_REQUIRED_COLUMNS: tuple[str, ...] = ("doc_id", "field", "value")
CODE_KINDS: tuple[str, ...] = ("service_areas", "practices", "needs")

# Fixed workbook metadata and zip entry times: the same segments give a byte-identical sheet.
_FIXED_TIME = datetime.datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_COLUMN_WIDTHS = {
    "segment_id": 18,
    "doc_id": 18,
    "citation": 22,
    "page": 6,
    "quote": 80,
    "in_text_citations": 24,
    "is_recommendation": 10,
    "polarity": 9,
    "service_areas": 24,
    "practices": 24,
    "needs": 24,
    "phase": 14,
    "confidence": 11,
    "decided_by": 11,
    "decision": 11,
    "codes_override": 30,
    "phase_override": 15,
    "polarity_override": 16,
    "reviewer": 12,
    "decided_at": 17,
    "note": 40,
    "field": 22,
    "label": 36,
    "value": 50,
}


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
# Export


def _cell_value(value: Any) -> Any:
    """A value safe for a spreadsheet cell: no formula, no control characters openpyxl refuses."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        return neutralize_formula(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _confidence(segment: Mapping[str, str]) -> float | None:
    """The scorer's probability of a coded row, None where it has none (headings, rules alone, bad cell)."""
    try:
        value = float(segment.get("confidence", "") or "nan")
    except ValueError:
        return None
    return value if 0.0 <= value <= 1.0 else None


def order_segments(segments: Sequence[Mapping[str, str]], order: str = "document") -> list[Mapping[str, str]]:
    """The segments in the sheet's order.

    ``least-confident`` puts first the segments whose confidence is nearest 0.5, where the scorer is
    least sure and a reviewer's decision (and a refit, ``review refit-model``) changes most; segments
    without a confidence come last; ties keep the document order, so the sheet is deterministic.
    """
    if order == "document":
        return list(segments)
    if order != "least-confident":
        raise ReviewflowError(f"sheet order '{order}' is unknown. Fix: use one of {', '.join(SHEET_ORDERS)}.")

    def key(item: tuple[int, Mapping[str, str]]) -> tuple[int, float, int]:
        confidence = _confidence(item[1])
        return (1, 0.0, item[0]) if confidence is None else (0, abs(confidence - 0.5), item[0])

    return [segment for _, segment in sorted(enumerate(segments), key=key)]


def _reviewer_cells(decision: Decision | None, reviewer: str = "") -> dict[str, Any]:
    """The reviewer columns of a sheet row: a reviewer's own earlier decision, or empty apart from
    ``reviewer`` (the name a sheet exported for one reviewer carries, whatever the file is called)."""
    if decision is None:
        return {**dict.fromkeys(REVIEWER_COLUMNS, ""), "reviewer": reviewer}
    return {
        "decision": decision.decision,
        "codes_override": ";".join(decision.codes_override),
        "phase_override": decision.phase_override,
        "polarity_override": decision.polarity_override,
        "reviewer": decision.reviewer,
        "decided_at": decision.decided_at,
        "note": decision.note,
    }


def segment_sheet_rows(
    segments: Sequence[Mapping[str, str]],
    citations: Mapping[str, str],
    decided: Mapping[str, Decision] | None = None,
    reviewer: str = "",
) -> list[dict[str, Any]]:
    """Rows of the "segments" sheet: the automatic codes, the scorer's confidence and the reviewer
    columns, empty (``reviewer`` in the reviewer column) or filled with ``decided`` (segment_id → one
    reviewer's own decision)."""
    decided = decided or {}
    rows = []
    for seg in segments:
        page = seg.get("page", "")
        confidence = _confidence(seg)
        rows.append(
            {
                "segment_id": seg.get("segment_id", ""),
                "doc_id": seg.get("doc_id", ""),
                "citation": citations.get(seg.get("doc_id", ""), ""),
                "page": int(page) if page.isdigit() else page,
                "quote": seg.get("sentence", ""),
                "in_text_citations": seg.get("citations_raw", ""),
                "is_recommendation": seg.get("is_recommendation", ""),
                "polarity": seg.get("polarity", ""),
                "service_areas": seg.get("service_areas", ""),
                "practices": seg.get("practices", ""),
                "needs": seg.get("needs", ""),
                "phase": seg.get("phase", ""),
                "confidence": seg.get("confidence", "") if confidence is None else confidence,
                "decided_by": seg.get("decided_by", ""),
                **_reviewer_cells(decided.get(seg.get("segment_id", "")), reviewer),
            }
        )
    return rows


def manual_sheet_rows(forms: Sequence[Mapping[str, Any]], form: Form, reviewer: str = "") -> list[dict[str, Any]]:
    """Rows of the "manual_fields" sheet: every manual field of every document, in form order, with
    ``reviewer`` in the reviewer column."""
    manual = list(form.iter_fields("manual"))
    rows = []
    for record in sorted(forms, key=lambda r: r.get("doc_id", "")):
        values = record.get("fields", {})
        for spec in manual:
            value = (values.get(spec.id) or {}).get("value", "")
            if isinstance(value, list):
                value = ";".join(str(v) for v in value)
            rows.append(
                {
                    "doc_id": record.get("doc_id", ""),
                    "field": spec.id,
                    "label": spec.label,
                    "value": "" if value is None else str(value),
                    "reviewer": reviewer,
                    "decided_at": "",
                    "note": "",
                }
            )
    return rows


def instruction_lines(form: Form, decisions_dir: str = "corpus/decisions", results_dir: str = "results") -> list[str]:
    """The sheet's instructions, naming this review's own decisions and results folders."""
    book = form.codebook
    return [
        "How to review the automatic coding",
        "",
        f"1. Save a copy of this workbook as {decisions_dir}/<your name>.xlsx (or export the 'segments' sheet as CSV).",
        "2. In the 'segments' sheet, fill the 'decision' column for the segments you checked; leave it empty for the rest:",
        "   accept = the codes are right; reject = not a recommendation (kept but left out of the synthesis);",
        "   edit = replace the codes: write codebook ids in codes_override (separated by ';') and/or a phase in phase_override,",
        "          and/or the polarity in polarity_override: do (recommended) or do_not (cautioned against).",
        "3. Write your name in 'reviewer' (or leave it empty: the file name is used), and in 'decided_at' when you decided",
        "   (2026-11-30 or 2026-11-30 14:05; optional: left empty, it stays empty). 'note' is free text.",
        "   'confidence' is the learned scorer's probability that the segment is a recommendation (empty for headings,",
        "   or when the rules code alone); 'decided_by' says who called it one: both, rules or model. Segments near 0.5",
        "   are where a decision teaches the scorer most (`python -m reviewflow review export --order least-confident`",
        "   lists them first; `python -m reviewflow review refit-model` refits the scorer with the decisions).",
        "4. Do not rename, move or delete the header cells; extra columns are ignored.",
        f"5. Rerun the workflow: decisions are applied to {results_dir}/coding.csv; {results_dir}/decisions_report.csv lists",
        f"   each decision with its fate, and {results_dir}/review/agreement.csv the agreement between coders.",
        f"6. When two reviewers disagree, the automatic codes stay until a sheet named {decisions_dir}/adjudicated.xlsx",
        "   (or .csv) decides the segment; an adjudicated decision always wins.",
        "7. 'manual_fields' lists the form fields that the coder does not fill (one row per document and field): write",
        f"   the value in 'value' (your name in 'reviewer', and 'decided_at' as in 'segments'); it is read back into {results_dir}/forms.csv.",
        "   Leave rows empty that you did not assess.",
        "",
        f"Extraction form: {form.id} version {form.version}",
        "phases: " + "; ".join(book.ids("phases")),
        "service areas: " + "; ".join(book.ids("service_areas")),
        "practices: " + "; ".join(book.ids("practices")),
        "needs: " + "; ".join(book.ids("needs")),
    ]


def build_review_workbook(
    segment_rows: Sequence[Mapping[str, Any]],
    manual_rows: Sequence[Mapping[str, Any]],
    instructions: Sequence[str],
    phases: Sequence[str],
) -> Any:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

    workbook = Workbook()
    segments = workbook.active
    assert isinstance(segments, Worksheet)  # a new workbook's default sheet
    segments.title = SEGMENTS_SHEET
    manual = workbook.create_sheet(MANUAL_SHEET)
    guide = workbook.create_sheet("instructions")
    for sheet, columns, rows in (
        (segments, SEGMENT_SHEET_COLUMNS, segment_rows),
        (manual, MANUAL_SHEET_COLUMNS, manual_rows),
    ):
        sheet.append(list(columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_cell_value(row.get(column, "")) for column in columns])
        sheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = _COLUMN_WIDTHS.get(column, 14)
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(rows) + 1, 2)}"
    last = max(len(segment_rows) + 1, 2)
    choices = {"decision": DECISION_VALUES, "phase_override": tuple(phases), "polarity_override": POLARITIES}
    for column, values in choices.items():
        letter = get_column_letter(SEGMENT_SHEET_COLUMNS.index(column) + 1)
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(values) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=f"Invalid {column}",
            error=f"Choose one of: {', '.join(values)}",
        )
        validation.add(f"{letter}2:{letter}{last}")
        segments.add_data_validation(validation)
    guide.column_dimensions["A"].width = 120
    for line in instructions:
        guide.append([_cell_value(line)])
    guide["A1"].font = Font(bold=True)
    workbook.properties.creator = "reviewflow"
    workbook.properties.created = _FIXED_TIME
    workbook.properties.modified = _FIXED_TIME
    return workbook


def workbook_bytes(workbook: Any) -> bytes:
    """The .xlsx bytes with fixed metadata and zip entry times (openpyxl stamps the current time)."""
    from openpyxl.writer.excel import ExcelWriter

    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return fixed.getvalue()


@dataclass(frozen=True)
class ExportedSheet:
    """What ``export_review_sheet`` wrote: the segment rows, and what each filter left out."""

    segment_ids: tuple[str, ...]
    left_out: tuple[LeftOut, ...]

    @property
    def n_segments(self) -> int:
        return len(self.segment_ids)


def export_review_sheet(
    coded_paths: Iterable[str | Path],
    form_paths: Iterable[str | Path],
    form: Form,
    out: str | Path,
    citations: Mapping[str, str] | None = None,
    order: str = "document",
    decisions_dir: str = "corpus/decisions",
    results_dir: str = "results",
    decided: Mapping[str, Decision] | None = None,
    selection: Selection = EVERY_SEGMENT,
    applied: Mapping[str, bool] | None = None,
    reviewer: str = "",
) -> ExportedSheet:
    """Write the review workbook: the segments ``selection`` keeps (``reviewflow.review.selection``;
    headings are left out unless ``all_segments``), in ``order`` (see ``order_segments``).
    Its instructions name ``decisions_dir`` and ``results_dir``, the folders of the review it belongs to.
    ``decided`` (``reviewer_decisions``) fills one reviewer's earlier decisions in, ``reviewer`` names
    them in the other rows; ``applied`` (segment_id → recommendation or not, by the applied decisions)
    is what the recommendation filters go by besides the coder."""
    segments, left_out = select_segments(
        order_segments(read_segments(coded_paths), order), selection, applied, set(decided or {}), reviewer
    )
    records = [read_json(path) for path in sorted(form_paths, key=lambda p: Path(p).stem)]
    if selection.doc_ids:
        records = [record for record in records if record.get("doc_id", "") in selection.doc_ids]
    workbook = build_review_workbook(
        segment_sheet_rows(segments, citations or {}, decided, reviewer),
        manual_sheet_rows(records, form, reviewer),
        instruction_lines(form, decisions_dir, results_dir),
        form.codebook.ids("phases"),
    )
    atomic_write_bytes(out, workbook_bytes(workbook))
    return ExportedSheet(tuple(seg.get("segment_id", "") for seg in segments), tuple(left_out))


def own_decisions(decisions: Iterable[Decision], reviewer: str) -> list[Decision]:
    """The decisions of ``reviewer`` (case and spacing aside), sheets in name order and rows top to bottom."""
    wanted = " ".join(reviewer.split()).casefold()
    mine = [d for d in decisions if " ".join(d.reviewer.split()).casefold() == wanted]
    return sorted(mine, key=lambda d: (d.source, d.row))


def reviewer_decisions(decision_paths: Iterable[str | Path], codebook: Codebook, reviewer: str) -> dict[str, Decision]:
    """segment_id → the last valid decision of ``reviewer`` (case and spacing aside) in the sheets,
    sheets in name order and rows top to bottom, as the run resolves a reviewer's own rows."""
    decisions, _ = load_decisions(decision_paths, codebook)
    return {d.segment_id: d for d in own_decisions(decisions, reviewer)}


def applied_recommendations(
    segments: Sequence[Mapping[str, str]], decisions: Sequence[Decision], codebook: Codebook
) -> dict[str, bool]:
    """segment_id → whether the decision the next run applies to it (``resolve_decisions``) makes it a
    recommendation; segments without an applied decision (none, or reviewers in conflict) are absent."""
    by_id = {row.get("segment_id", ""): row for row in segments}
    resolution = resolve_decisions(decisions, by_id, codebook)
    return {segment_id: resolved.coding.is_recommendation for segment_id, resolved in resolution.applied.items()}


def new_sheet_name(reviewer: str, own_sheets: Collection[str], taken: Collection[str]) -> str:
    """A file name (``ana_2.xlsx``) for a reviewer's next sheet: not ``taken`` and sorting after every
    one of ``own_sheets`` (the run reads sheets in name order, and a reviewer's later row wins)."""
    stem = re.sub(r"[^\w.-]+", "_", reviewer.strip()) or "reviewer"
    latest = max((Path(name).name for name in own_sheets), default="")
    names = {Path(name).name for name in taken}
    for base in (stem, Path(latest).stem):
        for number in range(2, 100):
            name = f"{base}_{number}.xlsx"
            if name > latest and name not in names:
                return name
    raise ReviewflowError(f"no free sheet name after {latest}. Fix: move {reviewer}'s older sheets into one.")


@dataclass(frozen=True)
class ExportOutcome:
    """What `review export` wrote, for its summary (``message``)."""

    out: Path
    sheet: ExportedSheet
    n_documents: int
    order: str
    decisions_dir: str
    reviewer: str | None  # as the reviewer's earlier rows spell the name (else as typed)
    n_decided: int  # the reviewer's earlier decisions (one per segment)
    undecided_only: bool
    # the decisions in the decisions folder (the reviewer's, or everyone's) on segments not in the sheet
    elsewhere: tuple[Decision, ...] = ()
    save_as: str = "<your name>.xlsx"  # the file name to save the filled copy under, in the decisions folder

    def message(self) -> str:
        ordered = ", least confident first" if self.order == "least-confident" else ""
        left_out = left_out_summary(self.sheet.left_out)
        filled = ""
        if self.reviewer and not self.undecided_only:  # with --undecided, the left-out summary counts them
            filled = f" {self.reviewer}'s {self.n_decided} earlier decision(s) filled in."
        save = f"Save a filled copy as {self.decisions_dir}/{self.save_as}"
        if self.elsewhere:
            files = sorted({Path(d.source).name for d in self.elsewhere})
            whose = f"of {self.reviewer}'s earlier decisions" if self.reviewer else "earlier decision(s)"
            over = "it, they" if len(files) == 1 else "one of them, its decisions on those segments"
            save += (
                f", a new file: {len(self.elsewhere)} {whose}, on segments not in this sheet, stay in "
                f"{', '.join(files)} (export never writes there); saved over {over} would be lost."
            )
        else:
            save += "."
        return (
            f"{self.out}: {self.sheet.n_segments} segments from {self.n_documents} documents{ordered}."
            f"{' ' + left_out if left_out else ''}{filled} {save}"
        )


def export_for_review(
    config_path: str | Path | None,
    results_dir: str | Path | None = None,
    out: str | Path | None = None,
    order: str | None = None,
    reviewer: str | None = None,
    selection: Selection = EVERY_SEGMENT,
) -> ExportOutcome:
    """`review export`: the review is the config's (its form, manifest, decisions and results folders);
    ``results_dir``/``out`` override. Every option is checked before anything is written, and nothing
    is written inside the decisions folder."""
    from reviewflow.config import check_results_owner, load_config
    from reviewflow.corpus.manifest import read_rows
    from reviewflow.form import load_form

    config = load_config(config_path)
    results = Path(results_dir) if results_dir else config.results_dir
    coded = sorted((results / "coded").glob("*.csv"))
    if not coded:
        raise ReviewflowError(
            f"{results / 'coded'}: no coded documents. Fix: run the workflow first "
            f"(`make run CONFIG={config.path}`), or point --results at a finished run."
        )
    check_doc_ids(selection.doc_ids, [path.stem for path in coded], str(results / "coded"))
    sheet = Path(out) if out else results / "review" / "review_sheet.xlsx"
    if sheet.resolve().is_relative_to(results.resolve()):
        check_results_owner(results, config.values["manifest"])
    form = load_form(config.form)
    manifest = config.manifest
    citations = {row["doc_id"]: row.get("citation", "") for row in read_rows(manifest)} if manifest.is_file() else {}
    order = order or "document"
    decisions_dir = str(config.values["decisions_dir"])
    if sheet.resolve().is_relative_to(config.decisions_dir.resolve()):
        raise ReviewflowError(
            f"{sheet}: inside the decisions folder {decisions_dir}, which reviewflow never writes to; nothing was "
            "written. Fix: export elsewhere (the default is RESULTS/review/review_sheet.xlsx) and save your copy there."
        )
    if selection.undecided_only and not reviewer:
        raise ReviewflowError("--undecided needs --reviewer NAME: whose undecided segments? Nothing was written.")
    sheets = decision_files(config.decisions_dir)
    decisions, _ = load_decisions(sheets, form.codebook)
    mine = own_decisions(decisions, reviewer) if reviewer else []
    decided = {d.segment_id: d for d in mine}
    # new rows carry the name as the reviewer's earlier rows spell it, so a sheet saved under another
    # file name is still theirs
    name = mine[-1].reviewer if mine else (reviewer or "")
    written = export_review_sheet(
        coded,
        sorted((results / "forms").glob("*.json")),
        form,
        sheet,
        citations,
        order,
        decisions_dir=decisions_dir,
        results_dir=str(results_dir or config.values["results_dir"]),
        decided=decided if reviewer else None,
        selection=selection,
        applied=applied_recommendations(read_segments(coded), decisions, form.codebook),
        reviewer=name,
    )
    shown = set(written.segment_ids)
    elsewhere = tuple(d for d in (mine if reviewer else decisions) if d.segment_id not in shown)
    save_as = f"{reviewer or '<your name>'}.xlsx"
    if reviewer and elsewhere:
        save_as = new_sheet_name(name, [d.source for d in mine], [path.name for path in sheets])
    return ExportOutcome(
        sheet,
        written,
        len(selection.doc_ids) or len(coded),
        order,
        decisions_dir,
        name or None,
        len(decided),
        selection.undecided_only,
        elsewhere,
        save_as,
    )


# --------------------------------------------------------------------------------------------------
# Loading decision sheets


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
def _schema() -> dict[str, Any]:
    return read_yaml(schema_path("decisions"))


@functools.lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(_schema())


def _text(value: Any) -> str:
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


def _formulas_by_row(formulas: Iterable[Formula], columns: Collection[str]) -> dict[int, list[Formula]]:
    """The formula cells of a sheet's known ``columns`` by row (extra columns are ignored, their formulas too)."""
    by_row: dict[int, list[Formula]] = defaultdict(list)
    for formula in formulas:
        if formula.column in columns:
            by_row[formula.row].append(formula)
    return by_row


def _open_workbook(path: Path) -> Any:
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
# The one row object of every blank row: a sheet of millions of empty lines (a file exported with a
# wrong delimiter, a spreadsheet's formatted but empty rows) then costs a pointer per row, not a list.
_BLANK_ROW: list[str] = []


def _sheet_table(
    sheet: Any, check_header: HeaderCheck | None = None
) -> tuple[list[str], list[list[str]], list[Formula]]:
    """Header, rows as text and the formula cells of a worksheet (rows unread when the header is refused)."""
    rows_in = sheet.iter_rows()
    first = next(rows_in, None)
    if first is None:
        return [], [], []
    # The header is kept as typed: a header cell with a stray space is reported, not silently accepted.
    header = [str(cell.value) if cell.value is not None else "" for cell in first]
    _refuse_header(header, check_header)
    rows, formulas = [], []
    for number, cells in enumerate(rows_in, start=2):
        values = []
        for index, cell in enumerate(cells):
            value = cell.value
            if getattr(cell, "data_type", None) == "f":
                value = str(getattr(value, "text", value))  # array formulas carry their text in .text
                column = header[index] if index < len(header) and header[index] else f"column {index + 1}"
                formulas.append(Formula(number, column, value))
            values.append(_text(value))
        rows.append(values)
    return header, rows, formulas


def _refuse_header(header: list[str], check_header: HeaderCheck | None) -> None:
    """Raise the header's problem before any row is read: a sheet that cannot be used is not read
    through (a tab-separated or damaged file of tens of megabytes would take minutes for nothing)."""
    problem = check_header(header) if check_header is not None else None
    if problem:
        raise ReviewflowError(problem)


def _read_table(
    path: Path, check_header: HeaderCheck | None = None
) -> tuple[list[str], list[list[str]], list[Formula]]:
    """Header, rows and formula cells of a sheet (xlsx: the "segments" sheet, else the first one).

    With ``check_header``, a header it finds a problem in raises that problem as a ReviewflowError.
    """
    if path.suffix.lower() == ".xlsx":
        workbook = _open_workbook(path)
        try:
            sheet = workbook[SEGMENTS_SHEET] if SEGMENTS_SHEET in workbook.sheetnames else workbook.worksheets[0]
            return _sheet_table(sheet, check_header)
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
            rows = [[_text(v) for v in row] if any(row) else _BLANK_ROW for row in reader]
    except UnicodeDecodeError:
        raise ReviewflowError(
            f"{path}: is not UTF-8 text. Fix: save it as 'CSV UTF-8' or save the workbook as .xlsx."
        ) from None
    except csv.Error as error:  # e.g. a cell over the csv module's 131,072-character limit
        raise ReviewflowError(csv_error_message(path, "decisions sheet", reader.line_num, error)) from None
    return header, rows, []


def _normalized(name: str) -> str:
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
        lookalikes = [h for h in header if h and _normalized(h) == column]
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


def header_problem(path: Path, header: Sequence[str]) -> str | None:
    """The problem of a decisions sheet's header, or None when it is usable."""
    delimited = delimiter_problem(str(path), header)
    if delimited:
        return delimited
    schema = _schema()
    return columns_problem(
        str(path),
        header,
        list(schema["properties"]),
        list(schema["required"]),
        "results/review/review_sheet.xlsx (`python -m reviewflow review export`). This sheet is not used until then",
    )


# The cells a decision is made of hold an id, a word, a few code ids or a name: every code of a
# codebook in one codes_override is under 2,000 characters. A cell far longer is no decision (a paste
# gone wrong, columns that slid), and splitting and checking it would take seconds a row for nothing.
DECISION_CELL_LIMIT = 5_000
DECISION_CELLS = ("segment_id", "decision", "codes_override", "phase_override", "polarity_override", "reviewer")


def _oversized_cells(record: Mapping[str, str]) -> list[str]:
    """The problems of a row's decision cells that are too long to be read as decisions."""
    return [
        f"column '{column}' holds {len(record[column]):,} characters (its values are ids, a word or a name, "
        f"under {DECISION_CELL_LIMIT:,}; the cell begins {record[column][:40]!r})"
        for column in DECISION_CELLS
        if len(record.get(column, "")) > DECISION_CELL_LIMIT
    ]


def _row_problems(record: Mapping[str, str], codebook: Codebook) -> list[str]:
    problems = []
    for error in sorted(_validator().iter_errors(dict(record)), key=lambda e: (list(map(str, e.path)), e.message)):
        column = str(error.path[0]) if error.path else "?"
        problems.append(
            f"column '{column}': {record.get(column, '')!r} is not valid "
            f"({_schema()['properties'].get(column, {}).get('description', error.message).strip()})"
        )
    if problems:
        return problems
    decision = record["decision"]
    codes = split_ids(record.get("codes_override", ""))
    phase = record.get("phase_override", "")
    polarity = record.get("polarity_override", "")
    if decision != "edit" and (codes or phase or polarity):
        problems.append(
            f"codes_override/phase_override/polarity_override are filled but decision is '{decision or 'empty'}'; "
            "write 'edit' in decision, or clear the override"
        )
    if decision == "edit" and not codes and not phase and not polarity:
        problems.append(
            "decision is 'edit' but codes_override, phase_override and polarity_override are all empty; "
            "write the codes, the phase or the polarity, or use accept/reject"
        )
    code_ids = [c for kind in CODE_KINDS for c in codebook.ids(kind)]
    unknown = [c for c in codes if c not in code_ids]
    if unknown:
        problems.append(
            f"codes_override has unknown id(s) {', '.join(unknown)}{did_you_mean(unknown[0], code_ids)}; "
            "use service area, practice or need ids of the codebook (see the 'instructions' sheet)"
        )
    if phase and codebook.normalize_phase(phase) is None:
        problems.append(
            f"phase_override '{phase}' is not a phase{did_you_mean(phase, codebook.ids('phases'))}; "
            f"use one of {', '.join(codebook.ids('phases'))}"
        )
    return problems


def _polarity_word(value: str) -> str:
    """A polarity as reviewers write it ("do not", "Do-Not", "don't") as the id it means; anything
    else is kept as written, for the schema check to report."""
    word = _normalized(value).replace("\u2019", "'")
    return {"dont": "do_not", "don't": "do_not", "donot": "do_not"}.get(word, word)


def load_decision_sheet(path: str | Path, codebook: Codebook) -> tuple[list[Decision], list[dict[str, Any]]]:
    """The valid decisions of one sheet and report rows for everything refused.

    A sheet whose header does not match the schema gives no decisions and one ``sheet_error`` row.
    A row with an empty decision (a segment the reviewer did not look at) is skipped silently.
    """
    path = Path(path)
    stem_reviewer = path.stem
    adjudicated = path.stem.lower() == ADJUDICATION_STEM
    formulas: list[Formula] = []
    try:
        header, table, formulas = _read_table(path, lambda header: header_problem(path, header))
        problem = None
    except ReviewflowError as error:
        problem = str(error)
    if problem:
        return [], [
            {**dict.fromkeys(REPORT_COLUMNS, ""), "source": str(path), "status": "sheet_error", "message": problem}
        ]
    decisions: list[Decision] = []
    report: list[dict[str, Any]] = []
    known = set(_schema()["properties"])
    formulas_in_row = _formulas_by_row(formulas, known)
    for index, values in enumerate(table, start=2):
        if not values:  # a blank line
            continue
        cells = dict(zip(header, values))
        record = {column: cells.get(column, "") for column in known if column in cells}
        record["decision"] = record.get("decision", "").lower()
        record["segment_id"] = record.get("segment_id", "").lower()
        record["phase_override"] = record.get("phase_override", "").lower()
        if "polarity_override" in record:
            record["polarity_override"] = _polarity_word(record["polarity_override"])
        if "codes_override" in record:
            record["codes_override"] = record["codes_override"].lower()
        if not record["decision"] and not any(record.get(c) for c in OVERRIDE_COLUMNS):
            continue
        oversized = _oversized_cells(record)
        phase = codebook.normalize_phase(record["phase_override"]) if record["phase_override"] and not oversized else ""
        decision = Decision(
            segment_id=record["segment_id"],
            decision=record["decision"],
            codes_override=split_ids(record.get("codes_override", "")) if not oversized else (),
            phase_override=phase or record["phase_override"],
            reviewer=record.get("reviewer", "") or stem_reviewer,
            note=record.get("note", ""),
            source=str(path),
            row=index,
            doc_id=cells.get("doc_id", ""),
            adjudicated=adjudicated,
            decided_at=record.get("decided_at", ""),
            polarity_override=record.get("polarity_override", ""),
        )
        if formulas_in_row.get(index):
            report.append(decision.report_row("invalid", formula_message(str(path), index, formulas_in_row[index])))
            continue
        problems = oversized or _row_problems(record, codebook)
        if problems:
            report.append(
                decision.report_row(
                    "invalid",
                    f"{path}: row {index}: "
                    + "; ".join(problems)
                    + ". Fix: correct the row; it is not applied until then.",
                )
            )
            continue
        decisions.append(decision)
    return decisions, report


def load_decisions(paths: Iterable[str | Path], codebook: Codebook) -> tuple[list[Decision], list[dict[str, Any]]]:
    decisions: list[Decision] = []
    report: list[dict[str, Any]] = []
    for path in sorted(Path(p) for p in paths):
        found, problems = load_decision_sheet(path, codebook)
        decisions.extend(found)
        report.extend(problems)
    return decisions, report


# --------------------------------------------------------------------------------------------------
# Resolving several reviewers


@dataclass(frozen=True)
class Resolved:
    """The decision applied to one segment (several reviewers when they agreed)."""

    segment_id: str
    decision: str
    coding: Coding
    reviewers: tuple[str, ...]
    phase_overridden: bool


@dataclass
class Resolution:
    applied: dict[str, Resolved] = field(default_factory=dict)
    conflicts: dict[str, list[Decision]] = field(default_factory=dict)
    report: list[dict[str, Any]] = field(default_factory=list)
    latest: list[Decision] = field(default_factory=list)  # each reviewer's last word per segment


def describe_decision(decision: Decision) -> str:
    """One line naming a reviewer's decision and its overrides (conflict and agreement messages)."""
    parts = [f"{decision.reviewer}: {decision.decision}"]
    if decision.codes_override:
        parts.append("codes=" + ";".join(decision.codes_override))
    if decision.phase_override:
        parts.append("phase=" + decision.phase_override)
    if decision.polarity_override:
        parts.append("polarity=" + decision.polarity_override)
    return " ".join(parts)


def resolve_decisions(
    decisions: Sequence[Decision], segments: Mapping[str, Mapping[str, str]], codebook: Codebook
) -> Resolution:
    """At most one decision per segment, by the rules in this module's docstring.

    ``segments`` maps segment_id → coded row; a decision on a segment not in it is reported as
    ``unmatched`` (the segment's text changed or its document left the corpus) and kept in the report.
    """
    result = Resolution()
    # The document of a decision is the coded segment's (a CSV sheet need not have a doc_id column,
    # and a typed doc_id may be wrong); a decision on an unknown segment keeps what the sheet says.
    decisions = [
        dataclasses.replace(d, doc_id=segments[d.segment_id].get("doc_id", "") or d.doc_id)
        if d.segment_id in segments
        else d
        for d in decisions
    ]
    last: dict[tuple[str, str], Decision] = {}
    for decision in decisions:  # files in name order, rows in order: the later row wins
        key = (decision.segment_id, decision.reviewer)
        if key in last:
            earlier = last[key]
            result.report.append(
                earlier.report_row(
                    "superseded",
                    f"{decision.source}: row {decision.row} decides this segment again for "
                    f"{decision.reviewer}; the later row is used",
                )
            )
        last[key] = decision
    by_segment: dict[str, list[Decision]] = defaultdict(list)
    for (segment_id, _), decision in sorted(last.items()):
        by_segment[segment_id].append(decision)
    for segment_id, group in by_segment.items():
        if segment_id not in segments:
            for decision in group:
                result.report.append(
                    decision.report_row(
                        "unmatched",
                        f"segment {segment_id} is not in the coded documents (its text changed when the "
                        "document was re-ingested, or the document left the manifest); not applied. "
                        "Fix: find the segment in a fresh review sheet and decide it again.",
                    )
                )
            continue
        result.latest.extend(group)
        auto = Coding.from_row(segments[segment_id])
        deciders = [d for d in group if d.adjudicated] or group
        codings = {d.coding(auto, codebook) for d in deciders}
        if len(codings) == 1:
            coding = codings.pop()
            labels = sorted({d.decision for d in deciders})
            label = labels[0] if len(labels) == 1 else "edit"
            result.applied[segment_id] = Resolved(
                segment_id,
                label,
                coding,
                tuple(sorted(d.reviewer for d in deciders)),
                phase_overridden=any(d.phase_override for d in deciders),
            )
            names = ", ".join(sorted(d.reviewer for d in deciders))
            for decision in group:
                if decision in deciders:
                    result.report.append(decision.report_row("applied", f"applied (decided by {names})"))
                else:
                    result.report.append(
                        decision.report_row("superseded", f"superseded by the adjudicated decision ({names})")
                    )
        else:
            result.conflicts[segment_id] = deciders
            summary = " | ".join(describe_decision(d) for d in deciders)
            where = "adjudicated sheets disagree" if deciders[0].adjudicated else "reviewers disagree"
            for decision in group:
                result.report.append(
                    decision.report_row(
                        "conflict",
                        f"{where} ({summary}); the automatic codes stay. Fix: decide the segment in "
                        f"{adjudication_sheet(decision.source)} (or .csv)",
                    )
                )
    result.report.sort(key=_report_order)
    return result


def _report_order(row: Mapping[str, Any]) -> tuple[str, int, str, str]:
    number = row.get("row", "")
    return (
        str(row.get("source", "")),
        int(number) if str(number).isdigit() else 0,
        str(row.get("segment_id", "")),
        str(row.get("status", "")),
    )


# --------------------------------------------------------------------------------------------------
# Manual form fields (the "manual_fields" sheet)


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
        header, rows, formulas = _read_table(path, lambda header: manual_header_problem(str(path), header))
        return str(path), header, rows, formulas
    workbook = _open_workbook(path)
    try:
        if MANUAL_SHEET not in workbook.sheetnames:
            renamed = [name for name in workbook.sheetnames if _normalized(name) == MANUAL_SHEET]
            if renamed:
                raise ReviewflowError(
                    f"{path}: sheet '{MANUAL_SHEET}' is missing (found '{renamed[0]}', which differs only in case, "
                    f"spaces or hyphens). Fix: rename the sheet to exactly '{MANUAL_SHEET}'. "
                    "Its values are not used until then."
                )
            return None  # a reviewer who only checked segments: nothing to read
        header, rows, formulas = _sheet_table(workbook[MANUAL_SHEET])
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
    Checking doc ids, field ids and values against the corpus and the form is the caller's job.
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
    formulas_in_row = _formulas_by_row(formulas, MANUAL_SHEET_COLUMNS)
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
    return re.fullmatch(_schema()["properties"]["decided_at"]["pattern"], text) is not None


def _decided_at_problem(text: str) -> str:
    return (
        f"column 'decided_at': {text!r} is not valid (when the reviewer decided: a date, 2026-11-30, or a date "
        "and time, 2026-11-30 14:05; optional). Fix: correct the cell or clear it; the value is not used until then."
    )
