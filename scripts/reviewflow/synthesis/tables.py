"""Rendering the synthesis tables: CSV (tidy long and wide display form), Markdown, HTML, LaTeX (booktabs)
and one XLSX workbook with a sheet per table. Every writer is deterministic (byte-identical on rerun).

Which tables there are comes from ``reviewflow.synthesis.outputs``; their titles and column labels from the
form's wording (``reviewflow.form.Wording``), generic when none is given.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from reviewflow.fileio import atomic_write_bytes, atomic_write_text, csv_text
from reviewflow.form import Wording, make_wording
from reviewflow.safety import escape_html, markdown_escape, neutralize_formula
from reviewflow.synthesis.audit import (
    CITATIONS,
    COUNT_CITATIONS,
    EVIDENCE_HTML,
    WHOLE,
    CellLink,
    cell_link,
    evidence_entries,
    evidence_html,
    linked_cells,
)
from reviewflow.synthesis.evidence import (
    ANY_PHASE,
    BASIS_PRIMARY,
    BASIS_UNKNOWN,
    DEFAULT_EVIDENCE_FIELDS,
    EXCLUDED_COLUMNS,
    ROLE_CAUTION,
    ROLE_SUPPORT,
    STATUS_EXCLUDED_BY_REVIEWER,
    SUPPORT_COLUMNS,
    EvidenceFields,
    Synthesis,
)
from reviewflow.synthesis.outputs import SYNTHESIS_TABLES, synthesis_table_names

TABLE_NAMES: tuple[str, ...] = tuple(synthesis_table_names())
FORMATS = (".csv", "_long.csv", ".md", ".html", ".tex")
WORKBOOK = "synthesis.xlsx"
EXCLUDED_CSV = "excluded_documents.csv"
SUPPORT_CSV = "support.csv"

# A workbook's core properties and zip entries carry the time of saving; fixing both makes its bytes
# depend on its content only.
FIXED_TIME = datetime.datetime(2000, 1, 1, 0, 0, 0)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    long: pd.DataFrame
    wide: pd.DataFrame
    notes: tuple[str, ...]
    number: str = ""  # "Table 1": printed before the title, except in LaTeX, which numbers captions itself
    # (wide row, column) → the support rows the cell stands for (reviewflow.synthesis.audit)
    links: Mapping[tuple[int, str], CellLink] = field(default_factory=dict)

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title


def output_files() -> list[str]:
    """File names written into the tables folder, in a fixed order."""
    return [f"{name}{ext}" for name in TABLE_NAMES for ext in FORMATS] + [
        WORKBOOK,
        EXCLUDED_CSV,
        SUPPORT_CSV,
        EVIDENCE_HTML,
    ]


# --- wide display forms -----------------------------------------------------------------------------


# A wide builder's result: the display frame and, for each cell standing for a set of segments, its link.
Wide = tuple[pd.DataFrame, dict[tuple[int, str], CellLink]]


def _pick(long: pd.DataFrame, **match: object) -> tuple[int, pd.Series]:
    """The one row of the long table matching ``match``: its position and the row."""
    mask = pd.Series(True, index=long.index)
    for column, value in match.items():
        mask &= long[column] == value
    positions = [i for i, hit in enumerate(mask.tolist()) if hit]
    if len(positions) != 1:
        raise ValueError(f"expected one row for {match}, found {len(positions)}")
    return positions[0], long.iloc[positions[0]]


def _count_and_citations(cell: pd.Series) -> str:
    return f"{cell['n_documents']} {cell['citations']}" if cell["n_documents"] else "0"


def _columns(frame_rows: list[dict[str, object]], columns: list[str]) -> pd.DataFrame:
    # Two labels alike (a form calling needs and practices the same) would merge two columns silently.
    if len(set(columns)) != len(columns):
        raise ValueError(f"table columns must differ, got {columns}: give form.wording.labels distinct values")
    return pd.DataFrame(frame_rows, columns=columns)


def needs_wide(long: pd.DataFrame, wording: Wording | None = None) -> Wide:
    words = wording or make_wording()
    phase, need_label = words.labels.phase, words.labels.need
    rows: list[dict[str, object]] = []
    links = {}
    for phase_id, need in dict.fromkeys(zip(long["phase"].tolist(), long["need"].tolist())):
        at_support, support = _pick(long, phase=phase_id, need=need, role=ROLE_SUPPORT)
        at_caution, caution = _pick(long, phase=phase_id, need=need, role=ROLE_CAUTION)
        i, cell = len(rows), {"need": need, "phase": phase_id}
        links[(i, "Documents")] = cell_link(ROLE_SUPPORT, at_support, **cell)
        links[(i, words.recommended_by)] = cell_link(ROLE_SUPPORT, at_support, CITATIONS, **cell)
        links[(i, "Cautions")] = cell_link(ROLE_CAUTION, at_caution, **cell)
        links[(i, words.cautioned_by)] = cell_link(ROLE_CAUTION, at_caution, CITATIONS, **cell)
        rows.append(
            {
                phase: support["phase_label"],
                need_label: support["need_label"],
                "Documents": int(support["n_documents"]),
                words.recommended_by: support["citations"],
                "Cautions": int(caution["n_documents"]),
                words.cautioned_by: caution["citations"],
            }
        )
    columns = [phase, need_label, "Documents", words.recommended_by, "Cautions", words.cautioned_by]
    return _columns(rows, columns), links


def _code_match(code: str, phase: str) -> dict[str, str]:
    """The support rows of a code's cell: in one phase, or in any (the support rows of every phase)."""
    return {"code": code} if phase == ANY_PHASE else {"code": code, "phase": phase}


def code_phase_wide(long: pd.DataFrame, first_column: str) -> Wide:
    """Codes × phases: each cell the number of documents and their citations; then any phase and cautions."""
    phases = list(dict.fromkeys(long["phase"]))
    phase_labels = dict(zip(long["phase"], long["phase_label"]))
    caution_column = "Cautions (any phase)"
    columns = [first_column, *(phase_labels[p] for p in phases), caution_column]
    rows: list[dict[str, object]] = []
    links = {}
    for code in dict.fromkeys(long["code"].tolist()):
        row: dict[str, object] = {
            first_column: _pick(long, code=code, phase=ANY_PHASE, role=ROLE_SUPPORT)[1]["code_label"]
        }
        for phase in phases:
            at, cell = _pick(long, code=code, phase=phase, role=ROLE_SUPPORT)
            row[phase_labels[phase]] = _count_and_citations(cell)
            links[(len(rows), phase_labels[phase])] = cell_link(
                ROLE_SUPPORT, at, COUNT_CITATIONS, **_code_match(code, phase)
            )
        at, cell = _pick(long, code=code, phase=ANY_PHASE, role=ROLE_CAUTION)
        row[caution_column] = _count_and_citations(cell)
        links[(len(rows), caution_column)] = cell_link(ROLE_CAUTION, at, COUNT_CITATIONS, code=code)
        rows.append(row)
    return pd.DataFrame(rows, columns=columns), links


def practices_wide(long: pd.DataFrame, wording: Wording | None = None) -> Wide:
    words = wording or make_wording()
    practice = words.labels.practice
    rows: list[dict[str, object]] = []
    links = {}
    for code in dict.fromkeys(long["code"].tolist()):
        at_support, support = _pick(long, code=code, phase=ANY_PHASE, role=ROLE_SUPPORT)
        at_caution, caution = _pick(long, code=code, phase=ANY_PHASE, role=ROLE_CAUTION)
        i = len(rows)
        links[(i, "Documents")] = cell_link(ROLE_SUPPORT, at_support, code=code)
        links[(i, words.recommended_by)] = cell_link(ROLE_SUPPORT, at_support, CITATIONS, code=code)
        links[(i, "Cautions")] = cell_link(ROLE_CAUTION, at_caution, code=code)
        links[(i, words.cautioned_by)] = cell_link(ROLE_CAUTION, at_caution, CITATIONS, code=code)
        rows.append(
            {
                practice: support["code_label"],
                "Documents": int(support["n_documents"]),
                words.recommended_by: support["citations"],
                "Cautions": int(caution["n_documents"]),
                words.cautioned_by: caution["citations"],
            }
        )
    return _columns(rows, [practice, "Documents", words.recommended_by, "Cautions", words.cautioned_by]), links


PRIMARY_COLUMN = "Documents resting on primary data"


def level_labels(wording: Wording) -> dict[str, str]:
    """The evidence table's `level` values (synthesis' code kinds) → the form's column labels."""
    return {
        "need": wording.labels.need,
        "service_area": wording.labels.service_area,
        "practice": wording.labels.practice,
    }


def evidence_wide(long: pd.DataFrame, citations: dict[str, str], wording: Wording | None = None) -> Wide:
    from reviewflow.synthesis.evidence import format_citations

    levels = level_labels(wording or make_wording())
    rows = []
    links = {}
    r: Any  # a row of the long table; pandas does not type itertuples' fields
    for at, r in enumerate(long.itertuples(index=False)):
        primary = [d for d in r.primary_doc_ids.split(";") if d]
        match = {"need": r.id} if r.level == "need" else {"code": r.id}
        links[(at, "Documents")] = cell_link(ROLE_SUPPORT, at, **match)
        # each count opens the quotes of the documents it counts: "3 of 5" the 3 resting on primary data
        links[(at, "Primary data")] = cell_link(ROLE_SUPPORT, at, WHOLE, "primary_doc_ids", BASIS_PRIMARY, **match)
        links[(at, "Basis unknown")] = cell_link(ROLE_SUPPORT, at, WHOLE, "doc_ids", BASIS_UNKNOWN, **match)
        links[(at, PRIMARY_COLUMN)] = cell_link(ROLE_SUPPORT, at, CITATIONS, "primary_doc_ids", BASIS_PRIMARY, **match)
        rows.append(
            {
                "Level": levels.get(r.level, r.level),
                "Item": r.label,
                "Documents": int(r.n_documents),
                "Primary data": f"{r.n_primary} of {r.n_documents}",
                "Basis unknown": int(r.n_unknown),
                PRIMARY_COLUMN: format_citations(primary, citations),
            }
        )
    columns = ["Level", "Item", "Documents", "Primary data", "Basis unknown", PRIMARY_COLUMN]
    return pd.DataFrame(rows, columns=columns), links


# --- notes under every table ------------------------------------------------------------------------


def method_note(include_mentions: bool, tables_dir: str = "results/tables") -> str:
    counted = (
        "recommendation sentences and mere mentions (synthesis.include_mentions: true)"
        if include_mentions
        else "recommendation sentences only (synthesis.include_mentions: false)"
    )
    return (
        "A document supports a cell when at least one of its coded segments, not rejected by a reviewer, "
        f"carries the code in that phase; counted: {counted}. A segment without a phase counts in its need's "
        "default phase, or only under 'any phase' when it names no need. Cautions are do-not recommendations. "
        f"Citations are in alphabetical order; {tables_dir}/support.csv lists the sentences behind each cell."
    )


def excluded_note(excluded: pd.DataFrame, tables_dir: str = "results/tables") -> str:
    if excluded.empty:
        return "No document was left out: every document's ingestion succeeded and no reviewer took one out."
    by_reviewer = excluded["status"] == STATUS_EXCLUDED_BY_REVIEWER
    parts = []
    for why, rows in (
        ("because their ingestion failed", excluded[~by_reviewer]),
        ("by reviewers (an inclusion field of the form set to false)", excluded[by_reviewer]),
    ):
        if not rows.empty:
            listed = "; ".join(f"{r.citation} [{r.doc_id}]: {r.message}" for r in rows.itertuples(index=False))
            parts.append(f"Left out {why} ({len(rows)}): {listed}.")
    return f"{' '.join(parts)} See {tables_dir}/excluded_documents.csv."


def evidence_note(wording: Wording | None = None, fields: EvidenceFields = DEFAULT_EVIDENCE_FIELDS) -> str:
    """How the evidence table decided each document's basis, naming the form's evidence fields (found by
    their source role, see reviewflow.synthesis.evidence.EvidenceFields) and its primary-data methods."""
    examples = (wording or make_wording()).primary_data_examples
    methods = f"one of its methods is marked basis: primary in the codebook{f' ({examples})' if examples else ''}"
    basis = f"the {' / '.join(fields.basis)} field" if fields.basis else ""
    category = f"the {' / '.join(fields.category)} field" if fields.category else ""
    unknown = "such documents count as not resting on primary data."
    if basis and category:
        return (
            f"A document rests on primary data when {basis} of its form says so: {methods} or the value reads "
            f"'primary'; when that field is empty, {category} decides. 'Basis unknown': both are empty; {unknown}"
        )
    if basis:
        return (
            f"A document rests on primary data when {basis} of its form says so: {methods} or the value reads "
            f"'primary'. 'Basis unknown': it is empty; {unknown}"
        )
    if category:
        return (
            f"A document rests on primary data when {category} of its form reads 'primary'. "
            f"'Basis unknown': it is empty; {unknown}"
        )
    return (
        "The extraction form has no field with source: evidence_basis or source: evidence_category, so every "
        f"document's basis is unknown; {unknown}"
    )


def build_tables(result: Synthesis, wording: Wording | None = None, tables_dir: str = "results/tables") -> list[Table]:
    """Every table of reviewflow.synthesis.outputs.SYNTHESIS_TABLES, in the form's words (generic without one); the
    notes name ``tables_dir``, the folder the tables are written to."""
    words = wording or make_wording()
    common = (method_note(result.include_mentions, tables_dir), excluded_note(result.excluded, tables_dir))
    built = []
    for spec in SYNTHESIS_TABLES:
        long, (wide, links), notes = spec.builder(result, words)
        title = words.tables[spec.name].title
        built.append(Table(spec.name, title, long, wide, (*common, *notes), number=spec.number, links=links))
    return built


# --- renderers --------------------------------------------------------------------------------------


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame's rows as dicts of Python values, as ``to_dict("records")`` gives them but built from
    whole columns (five times faster on the support table's hundred thousand rows)."""
    columns = [str(c) for c in frame.columns]
    values = [frame[c].tolist() for c in frame.columns]
    return [dict(zip(columns, row)) for row in zip(*values)]


def frame_csv(frame: pd.DataFrame) -> str:
    return csv_text(frame_records(frame), list(frame.columns))


def to_markdown(table: Table) -> str:
    frame = table.wide
    numeric = [pd.api.types.is_integer_dtype(frame[c]) for c in frame.columns]
    lines = [f"**{markdown_escape(table.heading)}**", ""]
    lines.append("| " + " | ".join(markdown_escape(c) for c in frame.columns) + " |")
    lines.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(markdown_escape(v) for v in row) + " |")
    lines.append("")
    lines += [f"*Note {i}.* {markdown_escape(note)}\n" for i, note in enumerate(table.notes, start=1)]
    return "\n".join(lines).rstrip("\n") + "\n"


def to_html(table: Table, cells: Mapping[tuple[int, str], str] | None = None) -> str:
    """A self-contained <figure> fragment for the report; every text escaped. ``cells``: the HTML of the
    cells that link to their evidence (``reviewflow.synthesis.audit.linked_cells``), already escaped."""
    cells = cells or {}
    frame = table.wide
    numeric = [pd.api.types.is_integer_dtype(frame[c]) for c in frame.columns]
    out = [
        f'<figure class="reviewflow-table" id="table-{escape_html(table.name)}">',
        "<table>",
        f"<caption>{escape_html(table.heading)}</caption>",
        "<thead>",
        "<tr>",
    ]
    out += [f'<th scope="col">{escape_html(c)}</th>' for c in frame.columns]
    out += ["</tr>", "</thead>", "<tbody>"]
    for i, row in enumerate(frame.itertuples(index=False)):
        shown = [cells.get((i, column), escape_html(v)) for column, v in zip(frame.columns, row)]
        out.append(
            "<tr>"
            + "".join(f'<td class="num">{v}</td>' if n else f"<td>{v}</td>" for v, n in zip(shown, numeric))
            + "</tr>"
        )
    out += ["</tbody>", "</table>", "<figcaption>"]
    out += [
        f'<p class="table-note"><small>Note {i}. {escape_html(n)}</small></p>'
        for i, n in enumerate(table.notes, start=1)
    ]
    out += ["</figcaption>", "</figure>"]
    return "\n".join(out) + "\n"


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def latex_escape(value: object) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in " ".join(str(value).split()))


def _latex_column_format(frame: pd.DataFrame) -> str:
    """Numbers right-aligned, short text left-aligned, long text (citations) wrapped in columns sharing
    most of the line width."""
    numeric = [pd.api.types.is_integer_dtype(frame[c]) for c in frame.columns]
    long_text = [
        not n and len(frame) > 0 and int(frame[c].astype(str).str.len().max()) > 30
        for c, n in zip(frame.columns, numeric)
    ]
    width = f"{0.8 / max(1, sum(long_text)):.2f}\\linewidth"
    return "".join(
        "r" if n else (rf">{{\raggedright\arraybackslash}}p{{{width}}}" if w else "l")
        for n, w in zip(numeric, long_text)
    )


def to_latex(table: Table) -> str:
    """A booktabs longtable (needs \\usepackage{booktabs,longtable,array}); every text escaped."""
    frame = table.wide
    numeric = [pd.api.types.is_integer_dtype(frame[c]) for c in frame.columns]
    header = " & ".join(latex_escape(c) for c in frame.columns) + r" \\"
    out = [
        f"% reviewflow table {table.name}: needs \\usepackage{{booktabs,longtable,array}}",
        f"\\begin{{longtable}}{{{_latex_column_format(frame)}}}",
        f"\\caption{{{latex_escape(table.title)}}}\\label{{tab:{table.name}}}\\\\",
        r"\toprule",
        header,
        r"\midrule",
        r"\endfirsthead",
        r"\toprule",
        header,
        r"\midrule",
        r"\endhead",
        r"\bottomrule",
        r"\endfoot",
    ]
    for row in frame.itertuples(index=False):
        out.append(" & ".join(str(v) if n else latex_escape(v) for v, n in zip(row, numeric)) + r" \\")
    out.append(r"\end{longtable}")
    out += [
        f"\\par\\noindent\\footnotesize\\textit{{Note {i}.}} {latex_escape(n)}\\par"
        for i, n in enumerate(table.notes, start=1)
    ]
    return "\n".join(out) + "\n"


# --- workbook ---------------------------------------------------------------------------------------


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose entries carry a constant timestamp (openpyxl writes them with the current time)."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=ZIP_TIME)
            info.compress_type = self.compression
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        return super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # openpyxl writes each worksheet from a temporary file, whose mtime would land in the zip.
        data = Path(filename).read_bytes()
        self.writestr(str(arcname or Path(filename).name), data, compress_type, compresslevel)


def _sheet_title(name: str) -> str:
    return name[:31]


def workbook_bytes(sheets: Sequence[tuple[str, str, pd.DataFrame, Sequence[str]]]) -> bytes:
    """An XLSX workbook, one sheet per (name, title, frame, notes); formula-like text neutralized."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook()
    if workbook.active is not None:  # a new workbook's default sheet
        workbook.remove(workbook.active)
    for name, title, frame, notes in sheets:
        sheet = workbook.create_sheet(_sheet_title(name))
        sheet.append([neutralize_formula(title)])
        sheet["A1"].font = Font(bold=True)
        sheet.append([neutralize_formula(str(c)) for c in frame.columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False):
            sheet.append([_xlsx_value(v) for v in row])
        sheet.append([])
        for note in notes:
            sheet.append([neutralize_formula(note)])
        sheet.freeze_panes = "A3"
        for index, column in enumerate(frame.columns, start=1):
            longest = max([len(str(column)), *(len(str(v)) for v in frame[column])], default=8)
            sheet.column_dimensions[get_column_letter(index)].width = min(max(10, longest + 2), 60)
            for cell in sheet.iter_rows(min_row=3, max_row=2 + len(frame), min_col=index, max_col=index):
                cell[0].alignment = Alignment(wrap_text=True, vertical="top")
    workbook.properties.creator = "reviewflow"
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    # ExcelWriter instead of Workbook.save: save() stamps the current time into the core properties.
    with _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).write_data()
    return buffer.getvalue()


def _xlsx_value(value: object) -> object:
    if isinstance(value, bool):
        return value
    if hasattr(value, "item"):  # numpy scalar -> Python number
        value = value.item()
    return neutralize_formula(value if isinstance(value, (int, float)) else str(value))


# --- writing everything -----------------------------------------------------------------------------


def write_tables(
    result: Synthesis, out_dir: str | Path, wording: Wording | None = None, tables_dir: str = "results/tables"
) -> list[Path]:
    """Write every table file into `out_dir` in the form's words (``load_form(...).wording``; generic
    without one); returns the paths written. The notes name ``tables_dir`` (the folder as the review's
    user sees it, not where a test writes), so the bytes depend on the inputs alone."""
    out_dir = Path(out_dir)
    written: list[Path] = []
    tables = build_tables(result, wording, tables_dir)
    entries = evidence_entries(tables, result, wording or make_wording())
    for table in tables:
        for suffix, text in (
            (".csv", frame_csv(table.wide)),
            ("_long.csv", frame_csv(table.long)),
            (".md", to_markdown(table)),
            (".html", to_html(table, linked_cells(table, entries, result.citations))),
            (".tex", to_latex(table)),
        ):
            path = out_dir / f"{table.name}{suffix}"
            atomic_write_text(path, text)
            written.append(path)
    sheets = [(t.name, t.heading, t.wide, t.notes) for t in tables]
    sheets.append(("excluded_documents", "Documents left out of the synthesis, and why", result.excluded, ()))
    atomic_write_bytes(out_dir / WORKBOOK, workbook_bytes(sheets))
    atomic_write_text(out_dir / EXCLUDED_CSV, csv_text(frame_records(result.excluded), EXCLUDED_COLUMNS))
    atomic_write_text(out_dir / SUPPORT_CSV, csv_text(frame_records(result.support), SUPPORT_COLUMNS))
    atomic_write_text(out_dir / EVIDENCE_HTML, evidence_html(entries, tables_dir))
    written += [out_dir / WORKBOOK, out_dir / EXCLUDED_CSV, out_dir / SUPPORT_CSV, out_dir / EVIDENCE_HTML]
    return written
