"""Export: the review workbook a reviewer fills (``results/review/review_sheet.xlsx``), and `review export`.

One row per coded segment with empty reviewer columns (or one reviewer's earlier decisions), the
manual form fields (empty, or that reviewer's latest values), and instructions. Nothing here writes to
the decisions folder.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewflow.errors import ReviewflowError
from reviewflow.fileio import atomic_write_bytes, read_json
from reviewflow.review.decisions import load_decisions
from reviewflow.review.manual_fields import ManualValue, check_manual_values, load_manual_values, manual_field_files
from reviewflow.review.resolution import resolve_decisions
from reviewflow.review.selection import (
    EVERY_SEGMENT,
    LeftOut,
    Selection,
    check_doc_ids,
    left_out_summary,
    select_segments,
)
from reviewflow.review.sheets import (
    MANUAL_SHEET,
    MANUAL_SHEET_COLUMNS,
    REVIEWER_COLUMNS,
    SEGMENT_SHEET_COLUMNS,
    SEGMENTS_SHEET,
    Decision,
    decision_files,
    read_segments,
)
from reviewflow.safety import neutralize_formula

if TYPE_CHECKING:
    from reviewflow.form import Codebook, Form

DECISION_VALUES: tuple[str, ...] = ("accept", "reject", "edit")
POLARITIES: tuple[str, ...] = ("do", "do_not")
# How the export orders segments: as the documents run, or the scorer's most uncertain first.
SHEET_ORDERS: tuple[str, ...] = ("document", "least-confident")
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


def manual_sheet_rows(
    forms: Sequence[Mapping[str, Any]],
    form: Form,
    reviewer: str = "",
    given: Mapping[tuple[str, str], ManualValue] | None = None,
) -> list[dict[str, Any]]:
    """Rows of the "manual_fields" sheet: every manual field of every document, in form order, with
    ``reviewer`` in the reviewer column, or filled with ``given`` ((doc_id, field) → one reviewer's own
    latest value, ``reviewer_manual_values``): its value, name, ``decided_at`` and note as read."""
    given = given or {}
    manual = list(form.iter_fields("manual"))
    rows = []
    for record in sorted(forms, key=lambda r: r.get("doc_id", "")):
        values = record.get("fields", {})
        for spec in manual:
            earlier = given.get((record.get("doc_id", ""), spec.id))
            if earlier is not None:
                rows.append(
                    {
                        "doc_id": record.get("doc_id", ""),
                        "field": spec.id,
                        "label": spec.label,
                        "value": earlier.value,
                        "reviewer": earlier.reviewer,
                        "decided_at": earlier.decided_at,
                        "note": earlier.note,
                    }
                )
                continue
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
    """What ``export_review_sheet`` wrote: the segment rows, what each filter left out, and the
    (doc_id, field) of the manual fields sheet's rows."""

    segment_ids: tuple[str, ...]
    left_out: tuple[LeftOut, ...]
    manual_fields: tuple[tuple[str, str], ...] = ()

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
    given: Mapping[tuple[str, str], ManualValue] | None = None,
) -> ExportedSheet:
    """Write the review workbook: the segments ``selection`` keeps (``reviewflow.review.selection``;
    headings are left out unless ``all_segments``), in ``order`` (see ``order_segments``).
    Its instructions name ``decisions_dir`` and ``results_dir``, the folders of the review it belongs to.
    ``decided`` (``reviewer_decisions``) fills one reviewer's earlier decisions in and ``given``
    (``reviewer_manual_values``) her manual field values, ``reviewer`` names her in the other rows;
    ``applied`` (segment_id → recommendation or not, by the applied decisions) is what the
    recommendation filters go by besides the coder."""
    segments, left_out = select_segments(
        order_segments(read_segments(coded_paths), order), selection, applied, set(decided or {}), reviewer
    )
    records = [read_json(path) for path in sorted(form_paths, key=lambda p: Path(p).stem)]
    if selection.doc_ids:
        records = [record for record in records if record.get("doc_id", "") in selection.doc_ids]
    manual_rows = manual_sheet_rows(records, form, reviewer, given)
    workbook = build_review_workbook(
        segment_sheet_rows(segments, citations or {}, decided, reviewer),
        manual_rows,
        instruction_lines(form, decisions_dir, results_dir),
        form.codebook.ids("phases"),
    )
    atomic_write_bytes(out, workbook_bytes(workbook))
    return ExportedSheet(
        tuple(seg.get("segment_id", "") for seg in segments),
        tuple(left_out),
        tuple((row["doc_id"], row["field"]) for row in manual_rows),
    )


def same_reviewer(name: str, reviewer: str) -> bool:
    """A sheet's reviewer cell names ``reviewer`` (case and spacing aside: "Ana " in one sheet is ana)."""
    return " ".join(name.split()).casefold() == " ".join(reviewer.split()).casefold()


def own_decisions(decisions: Iterable[Decision], reviewer: str) -> list[Decision]:
    """The decisions of ``reviewer`` (case and spacing aside), sheets in name order and rows top to bottom."""
    mine = [d for d in decisions if same_reviewer(d.reviewer, reviewer)]
    return sorted(mine, key=lambda d: (d.source, d.row))


def reviewer_manual_values(
    values: Sequence[ManualValue], doc_ids: Iterable[str], form: Form, reviewer: str
) -> dict[tuple[str, str], ManualValue]:
    """(doc_id, field) → the latest value of ``reviewer`` (case and spacing aside) that the run can apply.

    ``values`` are as ``load_manual_values`` read them from the run's sources, in its order; a value the
    run refuses (a document or field it does not know, a value the field's type refuses) is passed over
    as the run passes it over, so the value filled in is the one the run applies for this reviewer."""
    usable, _ = check_manual_values(values, doc_ids, form)
    return {(value.doc_id, value.field): value for value, _ in usable if same_reviewer(value.reviewer, reviewer)}


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
    n_manual: int = 0  # the reviewer's manual field values filled in (one per document and field)
    # the manual field values there (the reviewer's, or everyone's) for a document or field not in the sheet
    manual_elsewhere: tuple[ManualValue, ...] = ()

    def message(self) -> str:
        ordered = ", least confident first" if self.order == "least-confident" else ""
        left_out = left_out_summary(self.sheet.left_out)
        filled = []
        if self.reviewer and not self.undecided_only:  # with --undecided, the left-out summary counts them
            filled.append(f"{self.n_decided} earlier decision(s)")
        if self.reviewer and self.n_manual:
            filled.append(f"{self.n_manual} manual field value(s)")
        done = f" {self.reviewer}'s {' and '.join(filled)} filled in." if filled else ""
        save = f"Save a filled copy as {self.decisions_dir}/{self.save_as}"
        held = []
        if self.elsewhere:
            whose = f"of {self.reviewer}'s earlier decisions" if self.reviewer else "earlier decision(s)"
            held.append(f"{len(self.elsewhere)} {whose}, on segments not in this sheet,")
        if self.manual_elsewhere:
            whose = f"of {self.reviewer}'s manual field values" if self.reviewer else "manual field value(s)"
            held.append(f"{len(self.manual_elsewhere)} {whose}, for documents or fields not in this sheet,")
        if held:
            files = sorted(
                {Path(d.source).name for d in self.elsewhere} | {Path(v.source).name for v in self.manual_elsewhere}
            )
            over = "it, they" if len(files) == 1 else "one of them, what it holds of them"
            save += (
                f", a new file: {' and '.join(held)} stay in {', '.join(files)} (export never writes there); "
                f"saved over {over} would be lost."
            )
        else:
            save += "."
        return (
            f"{self.out}: {self.sheet.n_segments} segments from {self.n_documents} documents{ordered}."
            f"{' ' + left_out if left_out else ''}{done} {save}"
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
    # the manual field values, from the sources the run reads (rule forms_table) in its order
    manual_sources = manual_field_files(config.decisions_dir)
    manual_values, _ = load_manual_values(manual_sources)
    my_values = [v for v in manual_values if same_reviewer(v.reviewer, reviewer)] if reviewer else []
    form_paths = sorted((results / "forms").glob("*.json"))
    # forms/{doc}.json is named by its doc_id (rule code), the documents the run checks values against
    given = reviewer_manual_values(my_values, [path.stem for path in form_paths], form, reviewer) if reviewer else {}
    # new rows carry the name as the reviewer's earlier rows spell it, so a sheet saved under another
    # file name is still theirs
    name = mine[-1].reviewer if mine else my_values[-1].reviewer if my_values else (reviewer or "")
    written = export_review_sheet(
        coded,
        form_paths,
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
        given=given,
    )
    shown = set(written.segment_ids)
    elsewhere = tuple(d for d in (mine if reviewer else decisions) if d.segment_id not in shown)
    # a value for a document the sheet leaves out (--doc), or one the run does not know, is not in the
    # sheet either: saved over its file, it would be lost
    rows = set(written.manual_fields)
    manual_elsewhere = tuple(v for v in (my_values if reviewer else manual_values) if (v.doc_id, v.field) not in rows)
    save_as = f"{reviewer or '<your name>'}.xlsx"
    if reviewer and (elsewhere or manual_elsewhere):
        save_as = new_sheet_name(
            name,
            [d.source for d in mine] + [v.source for v in my_values],
            [path.name for path in (*sheets, *manual_sources)],
        )
    return ExportOutcome(
        sheet,
        written,
        len(selection.doc_ids) or len(coded),
        order,
        decisions_dir,
        name or None,
        len(shown & set(decided)),  # a decision on a segment a filter leaves out is not filled in
        selection.undecided_only,
        elsewhere,
        save_as,
        len(rows & set(given)),  # a value for a document --doc leaves out is not filled in
        manual_elsewhere,
    )
