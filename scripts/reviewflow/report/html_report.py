"""One self-contained HTML report of a run: tables, figures, network, PRISMA, problems, provenance.

Everything is inlined (figures as data URIs, the interactive network in an iframe's srcdoc), so the
file opens offline and makes no external request. Text from documents is escaped by jinja2's
autoescape; the HTML fragments inlined verbatim are the pipeline's own, already-escaped outputs.

The captions (``reviewflow/data/report/*.rst``, beside the template) are review-neutral templates: ``fill_caption`` puts the
form's names, its phases and the codebook's counts into their ``${...}`` placeholders, so no review's
wording or counts are written in them.
"""

from __future__ import annotations

import base64
import json
import re
import string
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from reviewflow.corpus.manifest import read_rows
from reviewflow.errors import ReviewflowError
from reviewflow.fileio import read_csv_rows
from reviewflow.form import Form
from reviewflow.living.history import Section, change_sections
from reviewflow.paths import REPORT_DIR
from reviewflow.safety import escape_html

TEMPLATE_DIR = REPORT_DIR  # package data, with the captions the report rule reads
NOT_PRODUCED = "not produced in this run"
# decisions_report.csv statuses a reviewer must act on (the others: applied, superseded)
DECISION_PROBLEMS: tuple[str, ...] = ("sheet_error", "invalid", "unmatched", "conflict")
# conflicts.csv's status of a conflict an adjudicated sheet decided (reviewflow.review.agreement.SETTLED; the
# report does not import the agreement stage): shown apart, not as a conflict to resolve
SETTLED = "settled by adjudication"
DECISION_PROBLEM_COLUMNS: tuple[str, ...] = ("status", "source", "row", "reviewer", "segment_id", "doc_id", "message")
# network/summary.json keys in reading order, with labels a reader understands
NETWORK_LABELS: dict[str, str] = {
    "documents": "Documents",
    "edges": "Citation links",
    "edges_by_via": "Citation links by how they were found",
    "in_text_citations": "In-text citations behind the links",
    "density": "Density",
    "weakly_connected_components": "Weakly connected components",
    "isolated_documents": "Documents without any link",
    "references_total": "Reference-list entries",
    "references_internal": "Reference-list entries citing a corpus document",
    "share_internal": "Share of reference-list entries citing a corpus document",
    "documents_without_reference_list": "Documents without a parsed reference list",
    "most_cited": "Most cited within the corpus",
    "problems": "Problems",
}
VIA_LABELS = {"both": "reference list and in-text", "reference_list": "reference list only", "in_text": "in-text only"}
COLUMN_LABELS = {"citation": "document", "doc_id": "doc_id", "cited_by": "cited by", "pagerank": "PageRank"}


@dataclass
class ReportInputs:
    """Files the report shows; a missing file is shown as 'not produced in this run'."""

    manifest: Path
    form: Path
    ingest_report: Path | None = None
    tables: dict[str, Path] = field(default_factory=dict)  # title -> HTML fragment
    evidence: Path | None = None  # tables/evidence.html: the quotes the tables' cells link to
    figures: dict[str, Path] = field(default_factory=dict)  # title -> SVG or PNG
    prisma: Path | None = None
    network_html: Path | None = None
    network_summary: Path | None = None
    agreement: Path | None = None
    conflicts: Path | None = None
    decisions_report: Path | None = None
    changes: Path | None = None  # <results_dir>/changes.json
    decisions_dir: str = "corpus/decisions"  # named in the text, as the review's config says
    captions: dict[str, str] = field(default_factory=dict)


def _exists(path: Path | None) -> TypeGuard[Path]:
    return path is not None and Path(path).is_file()


def _read_csv(path: Path | None) -> list[dict[str, str]] | None:
    if not _exists(path):
        return None
    return read_csv_rows(path)


def caption_values(form: Form, results_dir: str = "results") -> dict[str, str]:
    """What a caption's placeholders stand for: the plural names (``${service_areas}``), the counts
    of the codebook lists (``${n_service_areas}``), the phases in codebook order (``${phase_list}``)
    and the review's results folder (``${results}``)."""
    book, plural = form.codebook, form.wording.plural.by_list()
    values = {**plural, **{f"n_{kind}": str(len(book[kind])) for kind in plural}}
    values["phase_list"] = ", ".join(str(p["id"]).replace("_", " ") for p in book.phases)
    values["results"] = results_dir
    return values


def fill_caption(text: str, form: Form, source: str = "caption", results_dir: str = "results") -> str:
    """A caption template with its ``${...}`` placeholders filled from the form (``caption_values``)."""
    values = caption_values(form, results_dir)
    try:
        return string.Template(text).substitute(values)
    except (KeyError, ValueError) as error:
        raise ReviewflowError(
            f"{source}: unknown or malformed placeholder ({error}). Fix: use only "
            f"{', '.join('${' + key + '}' for key in values)}, and write $$ for a dollar sign."
        ) from None


def caption_html(rst: str) -> Markup:
    """The small subset of reStructuredText our captions use: paragraphs, '- ' lists, ``code``, **bold**."""

    def inline(text: str) -> str:
        text = escape_html(text)
        text = re.sub(r"``(.+?)``", r"<code>\1</code>", text)
        return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)

    parts = []
    for block in re.split(r"\n\s*\n", rst.strip()):
        lines = block.splitlines()
        if lines and lines[0].lstrip().startswith("- "):
            items: list[str] = []
            current: list[str] = []
            for line in lines:
                if line.lstrip().startswith("- ") and current:
                    items.append(" ".join(current))
                    current = []
                current.append(line.strip().removeprefix("- "))
            items.append(" ".join(current))
            parts.append("<ul>" + "".join(f"<li>{inline(item)}</li>" for item in items) + "</ul>")
        elif block.strip():
            parts.append(f"<p>{inline(' '.join(line.strip() for line in lines))}</p>")
    return Markup("".join(parts))


def data_uri(path: Path) -> str:
    mime = "image/svg+xml" if path.suffix.lower() == ".svg" else "image/png"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def overview(manifest_rows: list[dict[str, str]], ingest_rows: list[dict[str, str]] | None) -> dict[str, Any]:
    def counted(key: str) -> list[tuple[str, int]]:
        return sorted(Counter(row.get(key, "") or "(empty)" for row in manifest_rows).items())

    formats = Counter(Path(row.get("file", "")).suffix.lstrip(".").lower() or "(none)" for row in manifest_rows)
    statuses = Counter(row.get("status", "") for row in ingest_rows) if ingest_rows is not None else Counter()
    return {
        "n_documents": len(manifest_rows),
        "n_surrogates": sum(row.get("surrogate") == "true" for row in manifest_rows),
        "by_type": counted("doc_type"),
        "by_strategy": counted("search_strategy"),
        "by_format": sorted(formats.items()),
        "ingest_status": sorted(statuses.items()),
        "years": (
            min((r["year"] for r in manifest_rows), default=""),
            max((r["year"] for r in manifest_rows), default=""),
        ),
    }


def _scalar(value: Any) -> str:
    return "none" if value in (None, "", [], {}) else str(value)


def network_summary_rows(summary: dict[str, Any]) -> list[Section]:
    """summary.json as labelled rows: counts as text, lists as lists, the most cited as a small table
    (known keys in reading order, then any other key, so nothing the network reports is hidden)."""
    rows = []
    for key in list(NETWORK_LABELS) + sorted(k for k in summary if k not in NETWORK_LABELS):
        if key not in summary:
            continue
        value, label = summary[key], NETWORK_LABELS.get(key, key.replace("_", " ").capitalize())
        if key == "share_internal" and isinstance(value, (int, float)):
            rows.append(Section(label, text=f"{100 * value:.1f}%"))
        elif isinstance(value, dict):
            rows.append(
                Section(label, text="; ".join(f"{VIA_LABELS.get(k, k)}: {v}" for k, v in value.items()) or "none")
            )
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            columns = [c for c in COLUMN_LABELS if any(c in v for v in value)]
            columns += sorted({c for v in value for c in v} - set(columns))
            rows.append(
                Section(
                    label,
                    columns=tuple(COLUMN_LABELS.get(c, c) for c in columns),
                    rows=tuple(tuple(_scalar(v.get(c)) for c in columns) for v in value),
                )
            )
        elif isinstance(value, list) and key == "problems":
            rows.append(Section(label, items=tuple(str(v) for v in value), text="" if value else "none"))
        elif isinstance(value, list):
            rows.append(Section(label, text=", ".join(str(v) for v in value) or "none"))
        else:
            rows.append(Section(label, text=_scalar(value)))
    return rows


def breakable(text: object) -> Markup:
    """Escaped text that may wrap after '/', '_' and ';' (paths, ids and id lists in narrow table cells)."""
    # split before escaping, so that the ';' of an entity such as &lt; is never taken for a break point
    parts = re.split(r"(?<=[/_;])", "" if text is None else str(text))
    return Markup("<wbr>".join(escape_html(part) for part in parts if part))


def agreement_matrix(rows: list[dict[str, str]] | None) -> dict[str, Any] | None:
    """agreement.csv pivoted for reading: one row per code, one column per pair of coders, each cell
    "percent · kappa" (the CSV has one row per pair and code: hundreds of rows for a few reviewers)."""
    if not rows:
        return None
    pairs: dict[tuple[str, str], str] = {}
    cells: dict[str, dict[tuple[str, str], str]] = {}
    for row in rows:
        pair = (row["rater_a"], row["rater_b"])
        pairs.setdefault(pair, row["n_segments"])
        kappa = row["kappa"] or "–"
        cells.setdefault(row["code"], {})[pair] = f"{row['percent_agreement']}% · κ {kappa}"
    return {
        "pairs": [{"label": f"{a} vs {b}", "n_segments": n} for (a, b), n in pairs.items()],
        "rows": [(code, [by_pair.get(pair, "") for pair in pairs]) for code, by_pair in cells.items()],
    }


def decision_problems(rows: list[dict[str, str]] | None) -> dict[str, Any] | None:
    """What decisions_report.csv holds for the reviewer: counts per status and the rows to act on
    (refused sheets and rows, decisions whose segment no longer exists, conflicts)."""
    if rows is None:
        return None
    problems = [
        {column: row.get(column, "") for column in DECISION_PROBLEM_COLUMNS}
        for row in rows
        if row.get("status") in DECISION_PROBLEMS
    ]
    return {
        "counts": sorted(Counter(row.get("status", "") for row in rows).items()),
        "problems": problems,
        "columns": DECISION_PROBLEM_COLUMNS,
    }


def render(inputs: ReportInputs, provenance: dict[str, Any], title: str) -> str:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html", "j2"]), keep_trailing_newline=True
    )
    env.filters["breakable"] = breakable
    manifest_rows = read_rows(inputs.manifest)
    ingest_rows = _read_csv(inputs.ingest_report)
    problems = [row for row in ingest_rows or [] if row.get("status") != "ok"]
    tables = [
        (name, Markup(Path(p).read_text(encoding="utf-8")) if _exists(p) else None) for name, p in inputs.tables.items()
    ]
    figures = [(name, data_uri(Path(p)) if _exists(p) else None) for name, p in inputs.figures.items()]
    evidence = Markup(Path(inputs.evidence).read_text(encoding="utf-8")) if _exists(inputs.evidence) else None
    summary = (
        json.loads(Path(inputs.network_summary).read_text(encoding="utf-8"))
        if _exists(inputs.network_summary)
        else None
    )
    network_srcdoc = Path(inputs.network_html).read_text(encoding="utf-8") if _exists(inputs.network_html) else None
    changes = json.loads(Path(inputs.changes).read_text(encoding="utf-8")) if _exists(inputs.changes) else None
    agreement = _read_csv(inputs.agreement)
    conflicts = _read_csv(inputs.conflicts) or []
    if inputs.decisions_report is None:
        raise ReviewflowError("the report needs decisions_report: its folder is the review's results folder")
    return env.get_template("report.html.j2").render(
        title=title,
        # the review's own folders, named in the report's text
        results_dir=Path(inputs.decisions_report).parent.as_posix(),
        decisions_dir=inputs.decisions_dir,
        overview=overview(manifest_rows, ingest_rows),
        tables=tables,
        evidence=evidence,
        figures=figures,
        prisma=data_uri(Path(inputs.prisma)) if _exists(inputs.prisma) else None,
        network_srcdoc=network_srcdoc,
        network_summary=network_summary_rows(summary) if summary is not None else None,
        ingest_problems=problems,
        ingest_known=ingest_rows is not None,
        agreement=agreement,
        agreement_matrix=agreement_matrix(agreement),
        conflicts=[row for row in conflicts if not row.get("status", "").startswith(SETTLED)],
        settled_conflicts=[row for row in conflicts if row.get("status", "").startswith(SETTLED)],
        decisions=decision_problems(_read_csv(inputs.decisions_report)),
        changes=changes,
        change_sections=change_sections(changes["latest_change"]) if changes else [],
        captions={key: caption_html(text) for key, text in inputs.captions.items()},
        provenance=provenance,
        not_produced=NOT_PRODUCED,
    )
