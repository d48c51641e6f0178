"""PRISMA 2020 flow diagram from the search log (corpus/search_log.yaml).

A log with ``previous_review: null`` is drawn on the PRISMA 2020 template for new reviews. A log with
a previous review is drawn on the template for updated reviews: a "Previous studies" column (studies
and reports included in the previous version), then this update's searches, "New studies included
in review" (``included/total``, which then counts only the new studies) and "Total studies included
in review" = previous + new. The log is read and its counts checked by reviewflow.corpus.search_log (before
any job starts, where the manifest is checked).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from reviewflow.corpus.search_log import grand_total, source_labels, sum_known

NOT_REPORTED = "not reported"


def count(value: int | None) -> str:
    return NOT_REPORTED if value is None else str(value)


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    text: str
    emphasis: bool = False


@dataclass(frozen=True)
class Diagram:
    """Boxes and arrows on a width x height canvas, with the column headers and the phase bands."""

    boxes: list[Box]
    arrows: list[tuple[int, int]]
    width: float = 100
    height: float = 104
    headers: tuple[tuple[float, float, str], ...] = (
        (7, 47, "Identification of studies via databases and registers"),
        (57, 42, "Identification of studies via other methods"),
    )
    phases: tuple[tuple[float, float, str], ...] = (
        (78, 96.5, "Identification"),
        (27, 72, "Screening"),
        (7, 23, "Included"),
    )


def _source_lines(sources: list[dict[str, Any]]) -> list[str]:
    lines = []
    for source in sources:
        note = f"; {source['note']}" if source.get("note") else ""
        lines.append(f"{source['source']} (n = {count(source['identified'])}{note})")
    return lines


def _reasons(reasons: list[dict[str, Any]]) -> list[str]:
    return [f"{r['reason']} (n = {count(r['n'])})" for r in reasons] or [f"Reasons {NOT_REPORTED}"]


def corpus_note(log: dict[str, Any], n_corpus: int, added: Sequence[str] = ()) -> str:
    """The diagram's note on the corpus; ``added``: the citations of the documents added after the
    search (reviewflow.corpus.search_log.added_after_search), named so none is taken for one the log counts."""
    total = grand_total(log)
    note = log["included"].get("note", "").strip()
    if added:
        return (
            f"The review included {count(total)} documents; this corpus holds {n_corpus}, of which "
            f"{len(added)} added after the search this diagram records ({'; '.join(added)}). Update the search "
            "log (previous_review and this update's counts) to count them."
        )
    if total is not None and total == n_corpus:
        return f"All {total} included documents are in this corpus."
    previous = log.get("previous_review")
    parts = (
        (f" ({count(previous['studies_included'])} from the previous version, {count(log['included']['total'])} new)")
        if previous
        else ""
    )
    head = f"The review included {count(total)} documents{parts}; this corpus holds {n_corpus}."
    return f"{head} {note}".strip()


def _search_boxes(log: dict[str, Any], dx: float, dy: float) -> list[Box]:
    """The identification and screening boxes of this search, shifted by (dx, dy)."""
    ident = log["identification"]
    removed = log["removed_before_screening"]
    db = log["screening"]["databases_and_registers"]
    other = log["screening"]["other_methods"]
    at = lambda x, y, w, h, text: Box(x + dx, y + dy, w, h, text)  # noqa: E731
    return [
        # 0-1: identification, databases column
        at(7, 80, 25, 16, "Records identified from:\n" + "\n".join(_source_lines(ident["databases_and_registers"]))),
        at(
            34,
            80,
            20,
            16,
            "Records removed before screening:\n"
            f"Duplicate records (n = {count(removed.get('duplicates'))})\n"
            f"Marked ineligible by automation tools (n = {count(removed.get('automation'))})\n"
            f"Removed for other reasons (n = {count(removed.get('other'))})",
        ),
        # 2: identification, other methods column
        at(57, 80, 25, 16, "Records identified from:\n" + "\n".join(_source_lines(ident["other_methods"]))),
        # 3-8: screening, databases column
        at(7, 61, 25, 9, f"Records screened\n(n = {count(db.get('screened'))})"),
        at(34, 61, 20, 9, f"Records excluded\n(n = {count(db.get('excluded'))})"),
        at(7, 47, 25, 9, f"Reports sought for retrieval\n(n = {count(db.get('sought'))})"),
        at(34, 47, 20, 9, f"Reports not retrieved\n(n = {count(db.get('not_retrieved'))})"),
        at(7, 29, 25, 13, f"Reports assessed for eligibility\n(n = {count(db.get('assessed'))})"),
        at(34, 29, 20, 13, "Reports excluded:\n" + "\n".join(_reasons(db.get("excluded_with_reasons", [])))),
        # 9-12: screening, other methods column
        at(57, 47, 25, 9, f"Reports sought for retrieval\n(n = {count(other.get('sought'))})"),
        at(84, 47, 15, 9, f"Reports not retrieved\n(n = {count(other.get('not_retrieved'))})"),
        at(57, 29, 25, 13, f"Reports assessed for eligibility\n(n = {count(other.get('assessed'))})"),
        at(84, 29, 15, 13, "Reports excluded:\n" + "\n".join(_reasons(other.get("excluded_with_reasons", [])))),
    ]


SEARCH_ARROWS: list[tuple[int, int]] = [
    (0, 1),
    (0, 3),
    (3, 4),
    (3, 5),
    (5, 6),
    (5, 7),
    (7, 8),
    (2, 9),
    (9, 10),
    (9, 11),
    (11, 12),
]


def layout(log: dict[str, Any], n_corpus: int) -> Diagram:
    """The PRISMA 2020 diagram: the template for new reviews, or, when the log has a previous review,
    the template for updated reviews (a "Previous studies" column on the left, new and total studies)."""
    included = log["included"]
    labels = source_labels(log)
    by_source = ", ".join(f"{labels.get(k, k)}: {count(v)}" for k, v in included["by_source"].items())
    reports = [f"Reports of included studies (n = {count(included['reports'])})"] if "reports" in included else []
    previous = log.get("previous_review")
    if not previous:
        boxes = _search_boxes(log, 0, 0)
        lines = [
            f"Studies included in review (n = {count(included['total'])})",
            *reports,
            by_source,
            f"Documents in this corpus (n = {n_corpus})",
        ]
        boxes.append(Box(7, 8, 75, 14, "\n".join(lines), emphasis=True))  # 13
        return Diagram(boxes, [*SEARCH_ARROWS, (7, 13), (11, 13)])
    # Updated review: this search's columns move right (dx) and up (dy) to make room for the previous
    # studies column and for the two included boxes (new, then total) of the template.
    dx, dy = 27, 12
    boxes = _search_boxes(log, dx, dy)
    new_reports = included.get("reports")
    boxes += [
        Box(
            7,
            80 + dy,
            24,
            16,
            f"Studies included in previous version of review "
            f"(n = {count(previous['studies_included'])})\n"
            f"Reports of studies included in previous version of review "
            f"(n = {count(previous.get('reports_included'))})",
        ),  # 13
        Box(
            7 + dx,
            22,
            75,
            10,
            "\n".join(
                [
                    f"New studies included in review (n = {count(included['total'])})",
                    f"Reports of new included studies (n = {count(new_reports)})",
                    by_source,
                ]
            ),
        ),  # 14
        Box(
            7,
            8,
            75 + dx,
            10,
            "\n".join(
                [
                    f"Total studies included in review (n = {count(grand_total(log))})",
                    f"Reports of total included studies (n = {count(sum_known(previous.get('reports_included'), new_reports))})",
                    f"Documents in this corpus (n = {n_corpus})",
                ]
            ),
            emphasis=True,
        ),  # 15
    ]
    return Diagram(
        boxes,
        [*SEARCH_ARROWS, (7, 14), (11, 14), (14, 15), (13, 15)],
        width=100 + dx,
        height=104 + dy,
        headers=(
            (7, 24, "Previous studies"),
            (7 + dx, 47, "Identification of new studies via databases and registers"),
            (57 + dx, 42, "Identification of new studies via other methods"),
        ),
        phases=((78 + dy, 96.5 + dy, "Identification"), (27 + dy, 72 + dy, "Screening"), (7, 35, "Included")),
    )


def _wrap(text: str, width_units: float) -> str:
    chars = max(12, int(width_units * 1.9))
    return "\n".join(
        textwrap.fill(line, chars, subsequent_indent="  " if line.startswith("  ") else "") for line in text.split("\n")
    )


def _anchor(box: Box, towards: Box) -> tuple[float, float]:
    if towards.x >= box.x + box.width:  # to the right
        return box.x + box.width, box.y + box.height / 2
    if towards.y + towards.height <= box.y:  # below
        return box.x + box.width / 2, box.y
    return box.x, box.y + box.height / 2


def draw_prisma(
    log: dict[str, Any], n_corpus: int, svg_path: str | Path, png_path: str | Path, added: Sequence[str] = ()
) -> None:
    """Draw the diagram to SVG and PNG, byte-identical for the same inputs (``added``: see corpus_note)."""
    diagram = layout(log, n_corpus)
    boxes, top = diagram.boxes, diagram.height
    with plt.rc_context({"svg.hashsalt": "reviewflow", "svg.fonttype": "none", "font.family": "DejaVu Sans"}):
        # the canvas grows with the template (updated reviews are wider and taller), the scale stays
        fig = plt.figure(figsize=(11 * diagram.width / 100, 10 * top / 104))
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, diagram.width)
        ax.set_ylim(0, top)
        ax.axis("off")
        ax.text(
            diagram.width / 2,
            top - 1.4,
            "PRISMA 2020 flow diagram",
            ha="center",
            va="center",
            fontsize=13,
            weight="bold",
        )
        for x, width, title in diagram.headers:
            ax.add_patch(
                FancyBboxPatch((x, top - 7), width, 1.6, boxstyle="round,pad=0.3", fc="#f2c14e", ec="#8a6d1f", lw=0.8)
            )
            ax.text(x + width / 2, top - 6.2, title, ha="center", va="center", fontsize=8.5, weight="bold")
        for y0, y1, label in diagram.phases:
            ax.add_patch(
                FancyBboxPatch((0.8, y0), 3.4, y1 - y0, boxstyle="round,pad=0.2", fc="#a9c6e8", ec="#4a6f99", lw=0.8)
            )
            ax.text(2.5, (y0 + y1) / 2, label, rotation=90, ha="center", va="center", fontsize=9, weight="bold")
        for box in boxes:
            ax.add_patch(
                FancyBboxPatch(
                    (box.x, box.y),
                    box.width,
                    box.height,
                    boxstyle="round,pad=0.25",
                    fc="#fff6dd" if box.emphasis else "white",
                    ec="black",
                    lw=0.8,
                )
            )
            ax.text(
                box.x + 0.8,
                box.y + box.height - 0.8,
                _wrap(box.text, box.width),
                ha="left",
                va="top",
                fontsize=7.5,
                linespacing=1.25,
            )
        for start, end in diagram.arrows:
            a, b = boxes[start], boxes[end]
            tail = _anchor(a, b)
            if b.y + b.height <= a.y:  # downward: land on the top of the target, straight down
                head = (tail[0] if b.x <= tail[0] <= b.x + b.width else b.x + b.width / 2, b.y + b.height)
            else:
                head = (b.x, tail[1])
            ax.add_patch(
                FancyArrowPatch(
                    tail, head, arrowstyle="-|>", mutation_scale=10, lw=0.8, color="black", shrinkA=2, shrinkB=2
                )
            )
        note = _wrap("Note. " + corpus_note(log, n_corpus, added), diagram.width - 5)
        ax.text(7, 4.5, note, ha="left", va="top", fontsize=7.5, style="italic")
        fig.savefig(svg_path, format="svg", metadata={"Date": None})
        fig.savefig(png_path, format="png", dpi=200, metadata={"Software": None})
        plt.close(fig)
