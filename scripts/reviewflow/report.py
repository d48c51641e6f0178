"""One self-contained HTML report of a run: tables, figures, network, PRISMA, problems, provenance.

Everything is inlined (figures as data URIs, the interactive network in an iframe's srcdoc), so the
file opens offline and makes no external request. Text from documents is escaped by jinja2's
autoescape; the HTML fragments inlined verbatim are the pipeline's own, already-escaped outputs.
"""

from __future__ import annotations

import base64
import csv
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from reviewflow.manifest import read_rows
from reviewflow.paths import REPO_ROOT
from reviewflow.safety import escape_html

TEMPLATE_DIR = REPO_ROOT / "workflow" / "report"
NOT_PRODUCED = "not produced in this run"


@dataclass
class ReportInputs:
    """Files the report shows; a missing file is shown as 'not produced in this run'."""

    manifest: Path
    form: Path
    ingest_report: Path | None = None
    tables: dict[str, Path] = field(default_factory=dict)  # title -> HTML fragment
    figures: dict[str, Path] = field(default_factory=dict)  # title -> SVG or PNG
    prisma: Path | None = None
    network_html: Path | None = None
    network_summary: Path | None = None
    agreement: Path | None = None
    conflicts: Path | None = None
    changes: Path | None = None
    captions: dict[str, str] = field(default_factory=dict)


def _exists(path: Path | None) -> bool:
    return path is not None and Path(path).is_file()


def _read_csv(path: Path | None) -> list[dict[str, str]] | None:
    if not _exists(path):
        return None
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


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
            items, current = [], []
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
        "years": (min((r["year"] for r in manifest_rows), default=""), max((r["year"] for r in manifest_rows), default="")),
    }


def render(inputs: ReportInputs, provenance: dict[str, Any], title: str) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html", "j2"]),
                      keep_trailing_newline=True)
    manifest_rows = read_rows(inputs.manifest)
    ingest_rows = _read_csv(inputs.ingest_report)
    problems = [row for row in ingest_rows or [] if row.get("status") != "ok"]
    tables = [(name, Markup(Path(p).read_text(encoding="utf-8")) if _exists(p) else None)
              for name, p in inputs.tables.items()]
    figures = [(name, data_uri(Path(p)) if _exists(p) else None) for name, p in inputs.figures.items()]
    summary = json.loads(Path(inputs.network_summary).read_text(encoding="utf-8")) if _exists(inputs.network_summary) else None
    network_srcdoc = Path(inputs.network_html).read_text(encoding="utf-8") if _exists(inputs.network_html) else None
    return env.get_template("report.html.j2").render(
        title=title,
        overview=overview(manifest_rows, ingest_rows),
        tables=tables,
        figures=figures,
        prisma=data_uri(Path(inputs.prisma)) if _exists(inputs.prisma) else None,
        network_srcdoc=network_srcdoc,
        network_summary=summary,
        ingest_problems=problems,
        ingest_known=ingest_rows is not None,
        agreement=_read_csv(inputs.agreement),
        conflicts=_read_csv(inputs.conflicts),
        changes=Path(inputs.changes).read_text(encoding="utf-8") if _exists(inputs.changes) else None,
        captions={key: caption_html(text) for key, text in inputs.captions.items()},
        provenance=provenance,
        not_produced=NOT_PRODUCED,
    )
